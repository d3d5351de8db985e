import type { Logger } from '../../log.ts';
import type { Metrics } from './metrics.ts';

type Fields = Record<string, unknown>;

/** Label values come from a fixed list; anything else is `other`, so a label never grows without bound. */
const METHODS = new Set(['password', 'totp', 'sms', 'backup-code', 'passkey', 'remembered-device']);
const REFUSALS = new Set(['SMS_COOLDOWN', 'SMS_ACCOUNT_CAP', 'SMS_NUMBER_CAP', 'SMS_IP_CAP', 'SMS_UNAVAILABLE', 'paused', 'locked']);
const FACTORS = new Set(['totp', 'sms', 'backup-code', 'passkey', 'password']);

const known = (allowed: Set<string>, value: unknown) => (typeof value === 'string' && allowed.has(value) ? value : 'other');
const detailsOf = (fields: Fields) => (fields.details ?? {}) as Fields;

/**
 * How each logged event moves the metrics. The log (audit events included: audit.ts writes each
 * one through it) already records every step of a sign-in, once, where it happens; counting
 * those lines here keeps the metrics in one place instead of a call beside every log line.
 */
const COUNTS: Record<string, (metrics: Metrics, fields: Fields) => void> = {
  'login.failed': (m, f) => m.signIns.inc({ outcome: f.locked ? 'locked' : 'failed', method: 'password' }),
  'login.passkey_failed': (m) => m.signIns.inc({ outcome: 'failed', method: 'passkey' }),
  // The password alone was enough (no second factor asked for): after-password.ts.
  'login.finished': (m, f) => m.signIns.inc({ outcome: 'success', method: known(METHODS, f.method) }),
  'mfa.challenge.passed': (m, f) => m.signIns.inc({ outcome: 'success', method: known(METHODS, detailsOf(f).method) }),
  // A method set up within the sign-in finishes it without a challenge (complete-second-factor.ts).
  'mfa.enrolled': (m, f) => {
    if (detailsOf(f).during === 'sign-in') m.signIns.inc({ outcome: 'success', method: known(METHODS, detailsOf(f).method) });
  },
  'mfa.device.used': (m) => {
    m.rememberedDeviceSkips.inc();
    m.signIns.inc({ outcome: 'success', method: 'remembered-device' });
  },
  'mfa.challenge.failed': (m, f) => m.secondFactorFailures.inc({ method: known(METHODS, detailsOf(f).method) }),
  'mfa.locked': (m, f) => m.secondFactorLocks.inc({ factor: known(FACTORS, detailsOf(f).factor) }),
  'sms.sent': (m) => m.textMessages.inc({ outcome: 'sent', reason: '' }),
  'sms.refused': (m, f) => m.textMessages.inc({ outcome: 'refused', reason: known(REFUSALS, f.reason) }),
  'sms.send.failed': (m) => m.textMessages.inc({ outcome: 'failed', reason: '' }),
};

/** The same logger, with each known event also counted. */
export function meteredLogger(log: Logger, metrics: Metrics): Logger {
  const observe = (event: string, fields: Fields = {}) => COUNTS[event]?.(metrics, fields);
  return {
    info(event, fields) {
      observe(event, fields);
      log.info(event, fields);
    },
    warn(event, fields) {
      observe(event, fields);
      log.warn(event, fields);
    },
    error(event, fields) {
      observe(event, fields);
      log.error(event, fields);
    },
  };
}
