import { createAudit } from '../../../src/audit/audit.ts';
import { readSmsBreakers } from '../../../src/guard/sms-budget.ts';
import { meteredLogger } from '../../../src/hosted/metrics/metered-logger.ts';
import { createMetrics } from '../../../src/hosted/metrics/metrics.ts';
import { stepOf } from '../../../src/hosted/metrics/request-timing.ts';
import type { Logger } from '../../../src/log.ts';
import { openTestStore, STORE_KINDS } from '../../helpers/test-stores.ts';

describe('metrics from the log\'s events', () => {
  test('texts, locks, skips and audit events are counted; an unknown label value is "other"; the line is still logged', async () => {
    const metrics = createMetrics();
    const lines: string[] = [];
    const inner: Logger = { info: (event) => lines.push(event), warn: (event) => lines.push(event), error: (event) => lines.push(event) };
    const log = meteredLogger(inner, metrics);
    const audit = createAudit(log);
    log.info('sms.sent', { accountId: 'a' });
    log.info('sms.refused', { accountId: 'a', reason: 'SMS_NUMBER_CAP' });
    log.info('sms.refused', { accountId: 'a', reason: '<script>' });
    log.warn('sms.send.failed', { accountId: 'a' });
    log.info('mfa.device.used', { accountId: 'a' });
    audit({ event: 'mfa.locked', accountId: 'a', details: { factor: 'totp', lockSeconds: 60 } });
    audit({ event: 'mfa.challenge.failed', accountId: 'a', details: { method: 'sms' } });
    audit({ event: 'mfa.enrolled', accountId: 'a', details: { method: 'sms', during: 'sign-in' } });
    audit({ event: 'mfa.enrolled', accountId: 'a', details: { method: 'totp' } });
    log.info('something.else', {});
    const text = await metrics.registry.metrics();
    expect(text).toContain('oidc_mfa_text_messages_total{outcome="sent",reason=""} 1');
    expect(text).toContain('oidc_mfa_text_messages_total{outcome="refused",reason="SMS_NUMBER_CAP"} 1');
    expect(text).toContain('oidc_mfa_text_messages_total{outcome="refused",reason="other"} 1');
    expect(text).toContain('oidc_mfa_text_messages_total{outcome="failed",reason=""} 1');
    expect(text).toContain('oidc_mfa_remembered_device_skips_total 1');
    expect(text).toContain('oidc_mfa_sign_ins_total{outcome="success",method="remembered-device"} 1');
    expect(text).toContain('oidc_mfa_second_factor_locks_total{factor="totp"} 1');
    expect(text).toContain('oidc_mfa_second_factor_failures_total{method="sms"} 1');
    // Set up within a sign-in finishes that sign-in; set up on the Security page does not sign anyone in.
    expect(text).toContain('oidc_mfa_sign_ins_total{outcome="success",method="sms"} 1');
    expect(text).not.toContain('method="totp"} 1');
    expect(lines).toEqual(['sms.sent', 'sms.refused', 'sms.refused', 'sms.send.failed', 'mfa.device.used', 'mfa.locked', 'mfa.challenge.failed', 'mfa.enrolled', 'mfa.enrolled', 'something.else']);
  });

  test.each([
    ['/interaction/abc123/login', 'login'],
    ['/interaction/abc123', 'interaction-page'],
    ['/interaction/abc123/made-up-step', 'interaction-other'],
    ['/auth', 'authorize'],
    ['/auth/xyz', 'resume'],
    ['/token', 'token'],
    ['/account/security/devices', 'security-page'],
    ['/anything/else', 'other'],
    ['/healthz', undefined],
    ['/metrics', undefined],
  ])('the step of %s is %s (never a part of the URL)', (path, step) => {
    expect(stepOf(path)).toBe(step);
  });
});

describe.each(STORE_KINDS)('the SMS breaker gauge on %s', (kind) => {
  test('0 while the hourly budgets have room, 1 for the budget that is spent, read at each scrape', async () => {
    const { store, dispose } = await openTestStore(kind);
    try {
      const globalPerHour = 4;
      const metrics = createMetrics({ readBreakers: () => readSmsBreakers(store.counters, globalPerHour) });
      expect(await metrics.registry.metrics()).toContain('oidc_mfa_sms_breaker_open{budget="all"} 0');
      // Setups may spend half the budget (sms-budget.ts): two setup texts close the setup share only.
      for (let i = 0; i < 2; i += 1) await store.counters.increment('sms:setup-global', 3600);
      let text = await metrics.registry.metrics();
      expect(text).toContain('oidc_mfa_sms_breaker_open{budget="setup"} 1');
      expect(text).toContain('oidc_mfa_sms_breaker_open{budget="all"} 0');
      for (let i = 0; i < globalPerHour; i += 1) await store.counters.increment('sms:global', 3600);
      text = await metrics.registry.metrics();
      expect(text).toContain('oidc_mfa_sms_breaker_open{budget="all"} 1');
    } finally {
      await dispose();
    }
  });
});
