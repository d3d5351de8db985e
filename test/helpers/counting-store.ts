import type { Store } from '../../src/store/store.ts';
import { storeAround } from '../../src/store/store-around.ts';

/** Every call into a Store (each of its parts, revokeGrantsOf and oidc-provider's adapters), counted by name ("mfa.get", "adapter.Grant.find"). */
export interface StoreCalls {
  readonly counts: Map<string, number>;
  total(): number;
  reset(): void;
}

/** The same store, counting every call: what one sign-in costs in store round trips. */
export function countingStore(store: Store): { store: Store; calls: StoreCalls } {
  const counts = new Map<string, number>();
  const calls: StoreCalls = {
    counts,
    total: () => [...counts.values()].reduce((sum, n) => sum + n, 0),
    reset: () => counts.clear(),
  };
  const wrapped = storeAround(store, (name, call) => {
    counts.set(name, (counts.get(name) ?? 0) + 1);
    return call();
  });
  return { store: wrapped, calls };
}
