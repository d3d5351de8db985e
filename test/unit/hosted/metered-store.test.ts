import { createMetrics } from '../../../src/hosted/metrics/metrics.ts';
import { meteredStore } from '../../../src/hosted/metrics/metered-store.ts';
import { StoreUnavailableError, type Store } from '../../../src/store/store.ts';
import { openTestStore } from '../../helpers/test-stores.ts';

describe('store errors in the metrics', () => {
  test('a store call that fails is counted once, as unavailable or other, and the error goes up unchanged', async () => {
    const { store, dispose } = await openTestStore('sqlite');
    try {
      const metrics = createMetrics();
      const unavailable = new StoreUnavailableError(new Error('connection refused'));
      const bug = new TypeError('a bug');
      const failing: Store = Object.create(store, {
        accounts: { value: { ...store.accounts, findById: async () => { throw unavailable; } } },
        counters: { value: { ...store.counters, get: async () => { throw bug; } } },
      });
      const metered = meteredStore(failing, metrics);
      await expect(metered.accounts.findById('x')).rejects.toBe(unavailable);
      await expect(metered.counters.get('k')).rejects.toBe(bug);
      await expect(metered.counters.increment('k', 60)).resolves.toBe(1);
      expect(metered.kind).toBe('sqlite');
      const text = await metrics.registry.metrics();
      expect(text).toContain('oidc_mfa_store_errors_total{store="sqlite",kind="unavailable"} 1');
      expect(text).toContain('oidc_mfa_store_errors_total{store="sqlite",kind="other"} 1');
    } finally {
      await dispose();
    }
  });

  test('two providers in one process keep their own registries', async () => {
    const [a, b] = [createMetrics(), createMetrics()];
    a.signIns.inc({ outcome: 'success', method: 'password' });
    expect(await a.registry.metrics()).toContain('oidc_mfa_sign_ins_total{outcome="success",method="password"} 1');
    expect(await b.registry.metrics()).not.toContain('oidc_mfa_sign_ins_total{outcome="success",method="password"} 1');
  });
});
