/**
 * Files a daemon reads while we write them: written whole to a temporary file in the same
 * directory and renamed over the old one, so a reader sees the old text or the new, never a part.
 */
import { randomBytes } from 'node:crypto'
import { chmod, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'

/** Prefix of the temporary files `writeFileAtomic` makes (and removes). */
export const TEMP_FILE_PREFIX = '.tmp-'

/** Replaces `path` with `text` atomically; the file gets `mode` (default 0644, world-readable). */
export async function writeFileAtomic(path: string, text: string, mode = 0o644): Promise<void> {
  const temp = join(
    dirname(path),
    `${TEMP_FILE_PREFIX}${basename(path)}-${randomBytes(6).toString('hex')}`,
  )
  try {
    await writeFile(temp, text, { mode, flag: 'wx' })
    // The umask may have taken bits dnsmasq needs (it reads the files as an unprivileged user).
    await chmod(temp, mode)
    await rename(temp, path)
  } catch (error) {
    await rm(temp, { force: true })
    throw error
  }
}

/** The text of `path`, or undefined when it does not exist. */
export async function readFileIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
}
