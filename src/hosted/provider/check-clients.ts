import type Provider from 'oidc-provider';
import type { ClientMetadata } from 'oidc-provider';
import { ConfigProblems } from '../../config/config-error.ts';

/**
 * oidc-provider checks a static client's metadata only when the client is first looked up, so a
 * mistake in CLIENTS_FILE would surface as an error page at that app's first sign-in. Looking
 * every client up once at start-up turns each mistake into a start-up problem, all of them at once.
 */
export async function checkClients(provider: Provider, clients: readonly ClientMetadata[], file: string): Promise<void> {
  const problems = new ConfigProblems();
  for (const [index, metadata] of clients.entries()) {
    try {
      await provider.Client.find(String(metadata.client_id));
    } catch (error) {
      const { error_description: description, message } = error as { error_description?: string; message?: string };
      problems.add(`CLIENTS_FILE ${file}[${index}] (${String(metadata.client_id)})`, description ?? message ?? 'is not valid client metadata');
    }
  }
  problems.check();
}
