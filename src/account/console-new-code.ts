import type Router from '@koa/router';
import type { Context } from 'koa';
import { backupCodeDownloadHref, shownBackupCode, type ShownBackupCode } from '../factors/backup-code/shown-backup-code.ts';
import { redirectAfterPost } from '../http/page-notice.ts';
import type { SecretBox } from '../crypto/secret-box.ts';
import type { TransientStore } from '../mfa/mfa-store.ts';
import { formSession, pageSession, renderConsole, type ConsolePageDeps } from './console-pages.ts';
import type { ConsoleSession } from './console-session.ts';

/** A new backup code's page on the Security page: where it waits (sealed) until saved. */
export interface NewCodeDeps extends ConsolePageDeps {
  transient: TransientStore;
  box: SecretBox;
}

const NEW_CODE_PAGE = '/account/security/backup-code/new';
const SAVED_ACTION = '/account/security/backup-code/saved';

/** The new backup code of this Security-page session: its browser's provider session AND account; kept as long as a setup. */
const shownHere = (deps: Pick<NewCodeDeps, 'transient' | 'box' | 'settings' | 'paths'>, session: ConsoleSession) =>
  shownBackupCode(deps, { scope: `${session.csrfScope}:${session.accountId}`, accountId: session.accountId, ttlSeconds: deps.settings.setupTtlSeconds });

/**
 * A new backup code was made (a method set up, Generate a new code): it waits for "I've saved
 * it" and the browser goes to the page that shows it, so Refresh there shows it again and
 * generates or enrols nothing.
 */
export async function showNewCodeUntilSaved(ctx: Context, deps: Pick<NewCodeDeps, 'transient' | 'box' | 'settings' | 'paths'>, session: ConsoleSession, shown: ShownBackupCode): Promise<void> {
  await shownHere(deps, session).keep(shown);
  redirectAfterPost(ctx, deps.paths.to(NEW_CODE_PAGE));
}

export function addNewCodeRoutes(router: Router, deps: NewCodeDeps): void {
  router.get(NEW_CODE_PAGE, async (ctx) => {
    const session = await pageSession(ctx, deps, { fresh: false });
    if (!session) return;
    const shown = await shownHere(deps, session).read();
    if (!shown) {
      ctx.redirect(deps.paths.to('/account/security'));
      return;
    }
    renderConsole(ctx, deps, session, 'backup-code-new', { ...shown, downloadHref: backupCodeDownloadHref(shown.code), savedAction: deps.paths.to(SAVED_ACTION) });
  });

  // "I've saved it": the code is kept nowhere but with its owner now.
  router.post(SAVED_ACTION, async (ctx) => {
    const { session } = await formSession(ctx, deps, { fresh: false });
    await shownHere(deps, session).forget();
    redirectAfterPost(ctx, deps.paths.to('/account/security'));
  });
}
