// @ts-check
import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import importX from 'eslint-plugin-import-x'

/** Folders of src/ and what each may import besides common/ (STYLE.md, "Layout"). */
const layers = {
  common: [],
  db: [],
  rpc: [],
  notifier: ['rpc'],
  scheduler: ['db', 'notifier'],
  plugin: ['db', 'scheduler', 'notifier', 'rpc'],
  api: ['plugin'],
  agent: ['rpc', 'drivers'],
  drivers: [],
}
const all = [
  'common',
  'db',
  'rpc',
  'notifier',
  'scheduler',
  'plugin',
  'api',
  'agent',
  'drivers',
  'cli',
]

const layerRules = Object.entries(layers).map(([layer, allowed]) => {
  const forbidden = all.filter((l) => l !== layer && l !== 'common' && !allowed.includes(l))
  return {
    files: [`src/${layer}/**/*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ...forbidden.map((l) => ({
              group: [`**/${l}/*`, `../${l}`, `../../${l}`],
              message: `${layer}/ may not import ${l}/ (STYLE.md layer table)`,
            })),
            { group: ['**/test/**'], message: 'src/ never imports test/' },
            ...(layer === 'drivers'
              ? []
              : [
                  {
                    group: ['node:child_process', 'child_process'],
                    message: 'only drivers/host/exec.ts runs commands',
                  },
                ]),
          ],
        },
      ],
    },
  }
})

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'bin/**', 'eslint.config.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { 'import-x': importX },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'import-x/no-cycle': 'error',
      // Fastify handlers are async by contract even when they do not await.
      '@typescript-eslint/require-await': 'off',
    },
  },
  ...layerRules,
  {
    files: ['src/drivers/**/*.ts'],
    ignores: ['src/drivers/host/exec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'node:child_process', message: 'only drivers/host/exec.ts runs commands' },
          ],
        },
      ],
    },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
)
