import type { Clock } from '../clock.ts';
import type { FactorId, FactorNames } from '../factors/factor.ts';
import type { FactorGuard } from '../guard/factor-guard.ts';
import { waitTime, type WaitTime } from '../http/wait-time.ts';
import { hasOtherMethods } from '../mfa/mfa-status.ts';
import { actionsFor, type InteractionDetails, type PathsPart } from './interaction-io.ts';
import { chosenMethod, type SecondFactorStateDeps, type SecondFactorSubject } from './second-factor-state.ts';
import { t } from '../i18n/translate.ts';

/** The guard's state for the account (read only), the clock it is told by, and the account's other ways. */
export interface FactorPauseDeps extends Pick<SecondFactorStateDeps, 'transient' | 'mfa'>, PathsPart {
  /** Whether a factor's codes are paused or locked for an account, and until when. */
  factorLock: FactorGuard['lockOf'];
  clock: Clock;
  /** The registry's naming (factors/registry.ts factorNames), given rather than imported: the registry imports the factors that call this. */
  factorNames: FactorNames;
}

/** A way on from a paused factor: a link on its page. */
export interface WayOn {
  href: string;
  text: string;
}

/** What a challenge page says when its factor's codes are not checked now (factor-guard.ts). */
export interface FactorPause {
  code: 'FACTOR_PAUSED' | 'FACTOR_LOCKED';
  /** "codes from your authenticator app", "your backup code". */
  what: string;
  /** When a timed pause ends; absent for the lock only an operator lifts. */
  until: WaitTime | undefined;
  /** The account's other ways to sign in: another method, the backup code, or back to the method. */
  ways: WayOn[];
}

/**
 * The pause or lock on this factor for the subject, with its other ways; undefined while its
 * codes are checked. Only ever asked once the password passed (there is a subject), so nothing
 * about the account's factors is told before that.
 */
export async function pauseOf(deps: FactorPauseDeps, details: InteractionDetails, subject: SecondFactorSubject, factorId: FactorId): Promise<FactorPause | undefined> {
  const lock = await deps.factorLock(subject.accountId, factorId);
  if (!lock) return undefined;
  return {
    code: lock.kind === 'paused' ? 'FACTOR_PAUSED' : 'FACTOR_LOCKED',
    what: deps.factorNames.codesNameOf(factorId),
    until: lock.kind === 'paused' ? waitTime(lock.until, deps.clock()) : undefined,
    ways: await waysBesides(deps, details, subject, deps.factorNames.roleOf(factorId)),
  };
}

async function waysBesides(deps: FactorPauseDeps, details: InteractionDetails, subject: SecondFactorSubject, role: 'method' | 'fallback'): Promise<WayOn[]> {
  const actions = actionsFor(deps.paths, details);
  const status = await deps.mfa.status(subject.accountId);
  const ways: WayOn[] = [];
  if (role === 'fallback') {
    const method = await chosenMethod(deps, details, subject);
    if (method) ways.push({ href: actions.page, text: t('pause.useMethod', { method: lowerFirst(deps.factorNames.labelOf(method)) }) });
  }
  if (hasOtherMethods(status)) ways.push({ href: actions.otherWays, text: t('pause.otherWays') });
  if (role === 'method' && status.backupCode) ways.push({ href: actions.backupCode, text: t('pause.useBackupCode') });
  return ways;
}

const lowerFirst = (text: string) => text.charAt(0).toLowerCase() + text.slice(1);
