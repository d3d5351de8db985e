import type { Context } from 'koa';
import { backupCodeDownloadHref, shownBackupCode } from '../factors/backup-code/shown-backup-code.ts';
import { redirectAfterPost } from '../http/page-notice.ts';
import type { SecretBox } from '../crypto/secret-box.ts';
import { actionsFor, lifetimeOf, type InteractionDetails } from './interaction-io.ts';
import { secondFactorModel, sendPage, type SecondFactorPageDeps } from './second-factor-pages.ts';
import { rememberFactorPassed, subjectScope, type Proof, type SecondFactorStateDeps, type SecondFactorSubject } from './second-factor-state.ts';

/** Where a sign-in's new backup code waits (sealed) until saved, and the page that shows it. */
export interface NewBackupCodeDeps extends SecondFactorPageDeps, Pick<SecondFactorStateDeps, 'transient'> {
  box: SecretBox;
}

/** The new backup code of this sign-in: kept for this interaction and account only, as long as the interaction lives. */
function shownHere(deps: Pick<NewBackupCodeDeps, 'transient' | 'box' | 'paths'>, details: InteractionDetails, subject: SecondFactorSubject) {
  return shownBackupCode(deps, { scope: subjectScope(details.uid, subject), accountId: subject.accountId, ttlSeconds: lifetimeOf(details) });
}

/**
 * A backup code was spent, or a method set up, in this sign-in: the factor counts as passed, the
 * new backup code waits for "I've saved it", and the browser goes to the page that shows it (a
 * 303: Refresh there shows the same code again and sends nothing).
 */
export async function passWithNewBackupCode(ctx: Context, deps: Pick<NewBackupCodeDeps, 'transient' | 'box' | 'paths'>, details: InteractionDetails, subject: SecondFactorSubject, proof: Proof, shown: { code: string; lead: string }) {
  await Promise.all([
    rememberFactorPassed(deps, details, subject, proof),
    shownHere(deps, details, subject).keep({ code: shown.code, title: 'Save your new backup code', lead: shown.lead }),
  ]);
  redirectAfterPost(ctx, actionsFor(deps.paths, details).newBackupCode);
}

/** `GET …/new-backup-code`: the code kept for this subject, until saved; with none, the sign-in's current step. */
export async function showNewBackupCode(ctx: Context, deps: NewBackupCodeDeps, details: InteractionDetails, subject: SecondFactorSubject) {
  const shown = await shownHere(deps, details, subject).read();
  if (!shown) {
    ctx.redirect(actionsFor(deps.paths, details).page);
    return;
  }
  ctx.set('cache-control', 'no-store');
  const model = secondFactorModel(deps, details);
  sendPage(ctx, deps, 'backup-code-new', { title: shown.title, lead: shown.lead, code: shown.code, downloadHref: backupCodeDownloadHref(shown.code), savedAction: model.actions.continue, ...model });
}

/** "I've saved it": the code is no longer kept anywhere but with its owner. */
export function forgetNewBackupCode(deps: Pick<NewBackupCodeDeps, 'transient' | 'box' | 'paths'>, details: InteractionDetails, subject: SecondFactorSubject): Promise<void> {
  return shownHere(deps, details, subject).forget();
}
