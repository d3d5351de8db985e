import type { Context } from 'koa';
import { factorOf, labelOf } from '../factors/registry.ts';
import type { FactorId } from '../factors/factor.ts';
import { waitTime } from '../http/wait-time.ts';
import type { InteractionDeps } from './interaction-deps.ts';
import type { InteractionDetails } from './interaction-io.ts';
import { secondFactorModel, sendPage } from './second-factor-pages.ts';
import { chosenMethod, type SecondFactorSubject } from './second-factor-state.ts';

/**
 * "Try another way": the account's other methods (each a button that switches this sign-in to it)
 * and the backup code. One whose codes are paused or locked says so (the guard counts per kind of
 * factor, so two phones pause together), so nobody picks a way that cannot work now.
 */
export async function showOtherWays(ctx: Context, deps: InteractionDeps, details: InteractionDetails, subject: SecondFactorSubject) {
  const [status, current] = await Promise.all([deps.mfa.status(subject.accountId), chosenMethod(deps, details, subject)]);
  const others = status.methods.filter((method) => method.id !== current?.id);
  const kinds: FactorId[] = [...new Set(others.map((method) => method.type)), ...(status.backupCode ? ['backup-code' as const] : [])];
  const notes = new Map(await Promise.all(kinds.map(async (kind) => [kind, await pauseNote(deps, subject.accountId, kind)] as const)));
  sendPage(ctx, deps, 'other-ways', {
    title: 'Try another way',
    methods: others.map((method) => ({ id: method.id, label: labelOf(method), paused: notes.get(factorOf(method).id) })),
    hasBackupCode: status.backupCode !== null,
    backupCodePaused: notes.get('backup-code'),
    ...secondFactorModel(deps, details),
  });
}

/** "paused for 4 minutes" / "locked: contact support", or undefined when its codes are checked. */
async function pauseNote(deps: InteractionDeps, accountId: string, factor: FactorId): Promise<string | undefined> {
  const lock = await deps.factorLock(accountId, factor);
  if (!lock) return undefined;
  return lock.kind === 'paused' ? `paused, works again ${waitTime(lock.until, deps.clock()).words}` : 'locked: contact support';
}

/** Whether the challenge pages offer "Try another way": the account has another method to switch to. */
export async function hasOtherWays(deps: InteractionDeps, subject: SecondFactorSubject): Promise<boolean> {
  return (await deps.mfa.status(subject.accountId)).methods.length > 1;
}
