import type { StoreKind } from './lib/protocol.ts';

/**
 * What `--scenarios` can name. A scenario is a server entry point (bench/servers/), the store it
 * runs on, and the flow (bench/flows/index.ts) the driver repeats against it. To add, say,
 * password + TOTP: a flow module `flows/totp-flow.ts`, listed in FLOWS, and a line here; if the
 * server must enrol the account first, it reads that from ServerOptions and returns the extra
 * credentials (e.g. the TOTP seed) in its `account`, which the driver hands to the flow.
 */
export interface Scenario {
  name: string;
  /** Relative to bench/. */
  server: string;
  store: StoreKind;
  flow: string;
  /** The scenario every other one is compared with. */
  reference?: boolean;
}

export const SCENARIOS: Scenario[] = [
  { name: 'reference', server: 'servers/reference-server.ts', store: 'memory', flow: 'password', reference: true },
  { name: 'sqlite', server: 'servers/our-server.ts', store: 'sqlite', flow: 'password' },
  { name: 'redis', server: 'servers/our-server.ts', store: 'redis', flow: 'password' },
];

export const REDIS_URL = 'redis://127.0.0.1:6379';
