import { randomBytes } from 'node:crypto';
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Why a secret file was not written, in the operator's words; the CLI prints it and exits 1. */
export class SecretFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretFileError';
  }
}

function reason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'its folder does not exist';
  if (code === 'EACCES' || code === 'EPERM') return 'this user may not write there';
  if (code === 'EISDIR') return 'it is a folder';
  return (error as Error).message;
}

/**
 * Writes `content` to `file`, readable by its owner only (mode 0600) from the moment it exists.
 * An existing file is kept unless `force`: then the new content goes to a fresh 0600 file beside
 * it and is renamed over it, so the old file's looser mode (if any) never applies to the secret
 * and a reader never sees half a file. Returns the absolute path written.
 */
export function writeSecretFile(file: string, content: string, { force }: { force: boolean }): string {
  const target = path.resolve(file);
  if (!force) {
    try {
      writeFileSync(target, content, { mode: 0o600, flag: 'wx' });
      return target;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new SecretFileError(`${target} already exists`);
      throw new SecretFileError(`cannot write ${target}: ${reason(error)}`);
    }
  }
  const temporary = `${target}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    writeFileSync(temporary, content, { mode: 0o600, flag: 'wx' });
    renameSync(temporary, target);
    return target;
  } catch (error) {
    rmSync(temporary, { force: true });
    throw new SecretFileError(`cannot write ${target}: ${reason(error)}`);
  }
}

