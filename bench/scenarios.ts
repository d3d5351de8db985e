import type { StoreKind } from './lib/protocol.ts';

/**
 * What `--scenarios` can name. A scenario is a server entry point (bench/servers/), the store it
 * runs on, and the flow (bench/flows/index.ts) the driver repeats against it. A scenario whose
 * flow needs a code sets `totpAccounts`: the server then enrols a pool of accounts with TOTP
 * before it reports ready (ServerOptions.totpAccounts) and returns their secrets, which the
 * driver lends out one flow at a time (lib/totp-pool.ts). The report compares every scenario
 * with the reference, and a non-password flow also with the password flow on the same store.
 */
export interface Scenario {
  name: string;
  /** Relative to bench/. */
  server: string;
  store: StoreKind;
  flow: string;
  /** The server must enrol a pool of accounts with TOTP first (size: lib/totp-pool.ts). */
  totpAccounts?: boolean;
  /** The scenario every other one is compared with. */
  reference?: boolean;
}

export const SCENARIOS: Scenario[] = [
  { name: 'reference', server: 'servers/reference-server.ts', store: 'memory', flow: 'password', reference: true },
  { name: 'sqlite', server: 'servers/our-server.ts', store: 'sqlite', flow: 'password' },
  { name: 'redis', server: 'servers/our-server.ts', store: 'redis', flow: 'password' },
  { name: 'sqlite-totp', server: 'servers/our-server.ts', store: 'sqlite', flow: 'totp', totpAccounts: true },
  { name: 'redis-totp', server: 'servers/our-server.ts', store: 'redis', flow: 'totp', totpAccounts: true },
];

export const REDIS_URL = 'redis://127.0.0.1:6379';
