import type { Adapter } from 'oidc-provider';
import type { Store } from './store.ts';

/** The Store's parts whose every method a wrapper sees; kind, ping, persistence and close are no part of a sign-in. */
const PARTS = ['accounts', 'accountStates', 'counters', 'mfa', 'transient', 'trustedDevices', 'grants', 'passwordResets'] as const;

/** What a wrapper does around one store call: `name` is "<part>.<method>", "adapter.<Model>.<method>" or "revokeGrantsOf". */
export type AroundCall = (name: string, call: () => Promise<unknown>) => Promise<unknown>;

/** `part` with each method's calls passed through `around` under "<prefix>.<method>" (one wrapper per method, made once). */
function partAround<T extends object>(part: T, prefix: string, around: AroundCall): T {
  const wrapped = new Map<PropertyKey, unknown>();
  return new Proxy(part, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function' || typeof property === 'symbol') return value;
      if (!wrapped.has(property)) {
        const name = `${prefix}.${property}`;
        wrapped.set(property, (...args: unknown[]) => around(name, () => (value as (...a: unknown[]) => Promise<unknown>).apply(target, args)));
      }
      return wrapped.get(property);
    },
  });
}

/**
 * The same store with every call of its parts, of oidc-provider's adapters and of revokeGrantsOf
 * passed through `around`: the one way the metrics count store errors
 * (hosted/metrics/metered-store.ts), the tests count calls (test/helpers/counting-store.ts) and
 * the bench counts them per request (bench/servers/call-counter.ts).
 */
export function storeAround(store: Store, around: AroundCall): Store {
  const parts = Object.fromEntries(PARTS.map((part) => [part, partAround(store[part], part, around)])) as Pick<Store, (typeof PARTS)[number]>;
  return {
    ...parts,
    kind: store.kind,
    adapterFactory: (model) => partAround(store.adapterFactory(model) as Adapter, `adapter.${model}`, around),
    revokeGrantsOf: (accountId) => around('revokeGrantsOf', () => store.revokeGrantsOf(accountId)) as Promise<void>,
    ping: () => store.ping(),
    persistence: () => store.persistence(),
    close: () => store.close(),
  };
}
