import type { Store } from '../../src/store/store.ts';

/** Every call into a Store (each of its ports, revokeGrantsOf and oidc-provider's adapter), counted by "port.method". */
export interface StoreCalls {
  readonly counts: Map<string, number>;
  total(): number;
  reset(): void;
}

function counted<T extends object>(target: T, port: string, calls: Map<string, number>): T {
  return new Proxy(target, {
    get(object, property, receiver) {
      const value = Reflect.get(object, property, receiver);
      if (typeof value !== 'function') return value;
      const name = `${port}.${String(property)}`;
      return (...args: unknown[]) => {
        calls.set(name, (calls.get(name) ?? 0) + 1);
        return (value as (...a: unknown[]) => unknown).apply(object, args);
      };
    },
  });
}

/** The same store, counting every call: what one sign-in costs in store round trips. */
export function countingStore(store: Store): { store: Store; calls: StoreCalls } {
  const counts = new Map<string, number>();
  const calls: StoreCalls = {
    counts,
    total: () => [...counts.values()].reduce((sum, n) => sum + n, 0),
    reset: () => counts.clear(),
  };
  const adapterFactory: Store['adapterFactory'] = (name) => counted(store.adapterFactory(name), `adapter:${name}`, counts);
  const wrapped: Store = Object.create(store, {
    adapterFactory: { value: adapterFactory },
    accounts: { value: counted(store.accounts, 'accounts', counts) },
    counters: { value: counted(store.counters, 'counters', counts) },
    mfa: { value: counted(store.mfa, 'mfa', counts) },
    transient: { value: counted(store.transient, 'transient', counts) },
    trustedDevices: { value: counted(store.trustedDevices, 'trustedDevices', counts) },
    grants: { value: counted(store.grants, 'grants', counts) },
    passwordResets: { value: counted(store.passwordResets, 'passwordResets', counts) },
    revokeGrantsOf: {
      value: (accountId: string) => {
        counts.set('revokeGrantsOf', (counts.get('revokeGrantsOf') ?? 0) + 1);
        return store.revokeGrantsOf(accountId);
      },
    },
  });
  return { store: wrapped, calls };
}
