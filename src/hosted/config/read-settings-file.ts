import { readFileSync } from 'node:fs';
import { ConfigError } from '../../config/config-error.ts';

/** A file a setting names (KEYS_FILE, CLIENTS_FILE), as text; why it cannot be read is said in plain words. */
export function readSettingsFile(label: string, file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new ConfigError(label, 'does not exist');
    if (code === 'EACCES' || code === 'EPERM') throw new ConfigError(label, 'cannot be read by this user');
    if (code === 'EISDIR') throw new ConfigError(label, 'is a folder, not a file');
    throw new ConfigError(label, `could not be read: ${(error as Error).message}`);
  }
}
