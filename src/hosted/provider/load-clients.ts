import type { ClientMetadata } from 'oidc-provider';
import { ConfigError, ConfigProblems } from '../../config/config-error.ts';
import { readSettingsFile } from '../config/read-settings-file.ts';

/**
 * CLIENTS_FILE: a JSON array of oidc-provider client metadata. Here only its shape is checked
 * (every entry at once); oidc-provider validates each entry's metadata when the provider is built.
 */
export function loadClients(file: string): ClientMetadata[] {
  const text = readSettingsFile(`CLIENTS_FILE ${file}`, file);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`CLIENTS_FILE ${file}`, `could not be read as JSON: ${(error as Error).message}`);
  }
  if (!Array.isArray(parsed)) throw new ConfigError(`CLIENTS_FILE ${file}`, 'must hold a JSON array of client metadata objects');
  const problems = new ConfigProblems();
  parsed.forEach((client, index) => {
    if (typeof client !== 'object' || client === null || typeof (client as ClientMetadata).client_id !== 'string') {
      problems.add(`CLIENTS_FILE ${file}[${index}]`, 'must be an object with a string client_id');
    }
  });
  problems.check();
  return parsed as ClientMetadata[];
}
