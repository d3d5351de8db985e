import type { Context } from 'koa';
import { labelOf } from '../factors/registry.ts';
import type { InteractionDetails } from './interaction-io.ts';
import { secondFactorModel, sendPage, type SecondFactorPageDeps } from './second-factor-pages.ts';
import { chosenMethod, type SecondFactorStateDeps, type SecondFactorSubject } from './second-factor-state.ts';

export interface OtherWaysDeps extends SecondFactorPageDeps, Pick<SecondFactorStateDeps, 'transient' | 'mfa'> {}

/** "Try another way": the account's other methods (each a button that switches this sign-in to it) and the backup code. */
export async function showOtherWays(ctx: Context, deps: OtherWaysDeps, details: InteractionDetails, subject: SecondFactorSubject) {
  const [status, current] = await Promise.all([deps.mfa.status(subject.accountId), chosenMethod(deps, details, subject)]);
  sendPage(ctx, deps, 'other-ways', {
    title: 'Try another way',
    methods: status.methods.filter((method) => method.id !== current?.id).map((method) => ({ id: method.id, label: labelOf(method) })),
    hasBackupCode: status.backupCode !== null,
    ...secondFactorModel(deps, details),
  });
}
