import { readFileSync } from 'node:fs';
import type { ClientMetadata } from 'oidc-provider';
import { ConfigError } from '../../config/config-error.ts';

/** CLIENTS_FILE: a JSON array of oidc-provider client metadata; oidc-provider validates each entry. */
export function loadClients(file: string): ClientMetadata[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigError(`CLIENTS_FILE ${file}`, `could not be read as JSON: ${(error as Error).message}`);
  }
  if (!Array.isArray(parsed)) throw new ConfigError(`CLIENTS_FILE ${file}`, 'must hold a JSON array of client metadata objects');
  parsed.forEach((client, index) => {
    if (typeof client !== 'object' || client === null || typeof (client as ClientMetadata).client_id !== 'string') {
      throw new ConfigError(`CLIENTS_FILE ${file}[${index}]`, 'must be an object with a string client_id');
    }
  });
  return parsed as ClientMetadata[];
}
