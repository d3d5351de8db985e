import path from 'node:path';
import { HttpSession } from '../../helpers/http-session.ts';
import { buildAuthorization, discoverClient, openAuthorization } from '../../helpers/oidc-flow.ts';
import { startRouteProxy } from '../../helpers/route-proxy.ts';
import { startProviderProcess, stopAllProcesses, tempDir, writeClientsFile, writeKeysFile } from '../../helpers/server-process.ts';
import { TEST_CLIENTS } from '../../helpers/start-idp.ts';

/**
 * What the fault tests (the *.test.ts files beside this one) stand on: real provider processes,
 * each behind the test's proxy, whose address is the ISSUER, so a restarted process (on a new
 * port) is the same issuer to the browser; and everything a test opened, closed after it.
 */

export const PASSWORD = 'a password for fault tests';
export const TEST_TIMEOUT_MS = 90_000;

/**
 * Call at the top of a test file: `cleanups` (what each test opened, closed in reverse order after
 * it, pass or fail; then any process still running is stopped) and `deployment`.
 */
export function useFaultDeployments() {
  const cleanups: (() => unknown)[] = [];
  afterEach(async () => {
    await stopAllProcesses();
    while (cleanups.length > 0) {
      try {
        await cleanups.pop()!();
      } catch {
        // keep cleaning up
      }
    }
  }, 30_000);

  /** A proxy (the ISSUER), a temp dir with keys and clients, and the environment every process of this deployment shares. */
  async function deployment(extra: Record<string, string> = {}) {
    const work = tempDir('oidc-mfa-faults-');
    cleanups.push(() => work.remove());
    const proxy = await startRouteProxy({}, 'p');
    cleanups.push(() => proxy.close());
    const dataDir = path.join(work.dir, 'data');
    const env: Record<string, string> = {
      NODE_ENV: 'test',
      ISSUER: proxy.url,
      KEYS_FILE: writeKeysFile(work.dir),
      CLIENTS_FILE: writeClientsFile(work.dir, TEST_CLIENTS),
      DATA_DIR: dataDir,
      DEMO_APP: 'false',
      SMS_PROVIDER: 'none',
      ...extra,
    };
    const start = async (name: string) => {
      const provider = await startProviderProcess(name, env);
      proxy.setUpstream('p', provider.port);
      return provider;
    };
    return { proxy, env, dataDir, issuer: proxy.url, start };
  }

  return { cleanups, deployment };
}

export async function startSignIn(issuer: string, browser = new HttpSession()) {
  const client = await discoverClient(issuer, 'first-party-app');
  const authorization = await buildAuthorization(client);
  const page = await openAuthorization(browser, issuer, authorization);
  return { client, authorization, page, browser };
}
