import type { Store } from '../../store/store.ts';
import { storeAround } from '../../store/store-around.ts';
import { isStoreUnavailable } from '../../store/store-errors.ts';
import type { Metrics } from './metrics.ts';

/**
 * The same store, counting failed calls in `oidc_mfa_store_errors_total` (and rethrowing them
 * untouched): `unavailable` is what each store's boundary turned into StoreUnavailableError (a 503
 * page), `other` anything else (a bug, a 500). Counted once per store call, whichever page or
 * endpoint made it.
 */
export function meteredStore(store: Store, metrics: Metrics): Store {
  return storeAround(store, async (_name, call) => {
    try {
      return await call();
    } catch (error) {
      metrics.storeErrors.inc({ store: store.kind, kind: isStoreUnavailable(error) ? 'unavailable' : 'other' });
      throw error;
    }
  });
}
