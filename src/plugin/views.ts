import { toBool } from '../db/schema.js'

/** A database timestamp (`YYYY-MM-DD HH:MM:SS`) as the API shows it (ISO 8601, `Z`). */
export function apiTimestamp(value: string | null): string {
  if (value === null) return ''
  const text = value.replace(' ', 'T').slice(0, 19)
  return `${text}Z`
}

/** The standard attributes every network, subnet and port shows. */
export function standardView(
  row: {
    description: string | null
    revision_number: number
    created_at: string
    updated_at: string | null
  },
  tags: readonly string[] | undefined,
) {
  return {
    description: row.description ?? '',
    tags: tags ? [...tags] : [],
    created_at: apiTimestamp(row.created_at),
    updated_at: apiTimestamp(row.updated_at ?? row.created_at),
    revision_number: Number(row.revision_number),
  }
}

/** A boolean column as the API shows it. */
export const apiBool = toBool
