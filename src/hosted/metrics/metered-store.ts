import type { Store } from '../../store/store.ts';
import { isStoreUnavailable } from '../../store/store-errors.ts';
import type { Metrics } from './metrics.ts';

type Count = (error: unknown) => void;

/** Every method of a store part, its failures counted on their way up (and rethrown untouched). */
function observed<T extends object>(part: T, count: Count): T {
  return new Proxy(part, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        try {
          return await (value as (...a: unknown[]) => unknown).apply(target, args);
        } catch (error) {
          count(error);
          throw error;
        }
      };
    },
  });
}

/**
 * The same store, counting failed calls in `oidc_mfa_store_errors_total`: `unavailable` is what
 * each store's boundary turned into StoreUnavailableError (a 503 page), `other` anything else (a
 * bug, a 500). Counted once per store call, whichever page or endpoint made it.
 */
export function meteredStore(store: Store, metrics: Metrics): Store {
  const count: Count = (error) => metrics.storeErrors.inc({ store: store.kind, kind: isStoreUnavailable(error) ? 'unavailable' : 'other' });
  return Object.create(store, {
    adapterFactory: { value: ((model) => observed(store.adapterFactory(model), count)) satisfies Store['adapterFactory'] },
    accounts: { value: observed(store.accounts, count) },
    counters: { value: observed(store.counters, count) },
    mfa: { value: observed(store.mfa, count) },
    transient: { value: observed(store.transient, count) },
    trustedDevices: { value: observed(store.trustedDevices, count) },
    grants: { value: observed(store.grants, count) },
    passwordResets: { value: observed(store.passwordResets, count) },
    revokeGrantsOf: { value: observed({ revokeGrantsOf: store.revokeGrantsOf.bind(store) }, count).revokeGrantsOf },
  }) as Store;
}
