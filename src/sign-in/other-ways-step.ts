import type { Context } from 'koa';
import type { Clock } from '../clock.ts';
import type { FactorId } from '../factors/factor-id.ts';
import { factorOf, labelOf } from '../factors/registry.ts';
import type { FactorGuard } from '../guard/factor-guard.ts';
import { waitTime } from '../http/wait-time.ts';
import type { InteractionDetails } from './interaction-io.ts';
import { secondFactorModel, sendPage, type SecondFactorPageDeps } from './second-factor-pages.ts';
import { chosenMethod, type SecondFactorStateDeps, type SecondFactorSubject } from './second-factor-state.ts';
import { t } from '../i18n/translate.ts';

export interface OtherWaysDeps extends SecondFactorPageDeps, Pick<SecondFactorStateDeps, 'transient' | 'mfa'> {
  /** Which ways are paused now (factor-guard.ts), and the clock that says until when. */
  factorLock: FactorGuard['lockOf'];
  clock: Clock;
}

/**
 * "Try another way": the account's other methods (each a button that switches this sign-in to it)
 * and the backup code. One whose codes are paused or locked says so (the guard counts per kind of
 * factor, so two phones pause together), so nobody picks a way that cannot work now.
 */
export async function showOtherWays(ctx: Context, deps: OtherWaysDeps, details: InteractionDetails, subject: SecondFactorSubject) {
  const [status, current] = await Promise.all([deps.mfa.status(subject.accountId), chosenMethod(deps, details, subject)]);
  const others = status.methods.filter((method) => method.id !== current?.id);
  const kinds: FactorId[] = [...new Set(others.map((method) => method.type)), ...(status.backupCode ? ['backup-code' as const] : [])];
  const notes = new Map(await Promise.all(kinds.map(async (kind) => [kind, await pauseNote(deps, subject.accountId, kind)] as const)));
  sendPage(ctx, deps, 'other-ways', {
    title: t('otherWays.title'),
    methods: others.map((method) => ({ id: method.id, label: labelOf(method), paused: notes.get(factorOf(method).id) })),
    hasBackupCode: status.backupCode !== null,
    backupCodePaused: notes.get('backup-code'),
    ...secondFactorModel(deps, details),
  });
}

/** "paused, works again in 4 minutes" / "locked: contact support", or undefined when its codes are checked. */
async function pauseNote(deps: Pick<OtherWaysDeps, 'factorLock' | 'clock'>, accountId: string, factor: FactorId): Promise<string | undefined> {
  const lock = await deps.factorLock(accountId, factor);
  if (!lock) return undefined;
  return lock.kind === 'paused' ? t('otherWays.paused', { when: waitTime(lock.until, deps.clock()).words }) : t('otherWays.locked');
}
