import type Provider from 'oidc-provider';
import type { Configuration, KoaContextWithOIDC } from 'oidc-provider';
import { ERRORS, errorMessage } from '../errors.ts';
import { t } from '../i18n/translate.ts';
import { followSignIn } from '../i18n/request-language.ts';
import { clientHomeOf, type ClientHomeMetadata } from '../oidc/client-home.ts';
import { isStoreUnavailable } from '../store/store-errors.ts';
import { errorTitle } from './error-titles.ts';
import { providerErrorWording } from './provider-error-wording.ts';
import { answerStoreUnavailable } from './store-unavailable.ts';
import type { RenderPage } from './views.ts';
import type { PluginPaths } from './plugin-paths.ts';
import { backToApp, distinctWays, ownWay, securityPageWay, supportWays, tryAgain, type SupportContact, type WayOn } from './ways-on.ts';

type Pages = Pick<Configuration, 'renderError'> & {
  logoutSource: (ctx: KoaContextWithOIDC, form: string) => Promise<void>;
  postLogoutSuccessSource: (ctx: KoaContextWithOIDC) => Promise<void>;
};

type ClientLike = { metadata(): ClientHomeMetadata } | undefined;

/** "Back to <app>" for a client id, from what the operator registered (oidc/client-home.ts). */
export function appHomeIn(provider: Provider) {
  return async (clientId: string) => clientHomeOf((await provider.Client.find(clientId) as ClientLike)?.metadata());
}

/** Where a person on one of oidc-provider's error pages can go: the app (when known), "Try again" after our failure, support. */
function waysFrom(ctx: KoaContextWithOIDC, serverSide: boolean, paths: PluginPaths, support: SupportContact | undefined): WayOn[] {
  const app = clientHomeOf((ctx.oidc?.client as ClientLike)?.metadata());
  const ways = distinctWays([app && backToApp(app), serverSide ? ownWay(paths, tryAgain(ctx)) : undefined]);
  if (ways.length === 0) ways.push(ownWay(paths, securityPageWay()));
  return distinctWays([...ways, ...supportWays(support)]);
}

/** The pages oidc-provider renders itself, in our layout: errors, sign-out confirmation, signed out. */
export function createProviderPages(render: RenderPage, paths: PluginPaths, support?: SupportContact): Pages {
  return {
    async renderError(ctx, out, error) {
      // An authorization request's own ui_locales (OpenID Connect Core §3.1.2.1), when it got that far.
      followSignIn(ctx.oidc?.params?.ui_locales, ctx.oidc?.entities?.Interaction?.uid);
      if (isStoreUnavailable(error)) return answerStoreUnavailable(ctx, { page: render, paths, ways: supportWays(support) });
      ctx.type = 'html';
      ctx.set('cache-control', 'no-store');
      // The interaction or its cookie is gone (expired, finished, Back after finishing): the same page as ours for it.
      if ((error as { name?: string } | undefined)?.name === 'SessionNotFound') {
        ctx.body = render('error', {
          title: errorTitle('INTERACTION_EXPIRED', ERRORS.INTERACTION_EXPIRED.status),
          code: 'INTERACTION_EXPIRED',
          message: errorMessage('INTERACTION_EXPIRED'),
          ways: waysFrom(ctx, false, paths, support),
        });
        return;
      }
      const serverSide = out.error === 'server_error';
      const wording = providerErrorWording(out.error);
      ctx.body = render('error', {
        ...wording,
        code: out.error,
        // oidc-provider's descriptions are written for the app's developer and hold no secrets; a server error's could.
        details: serverSide ? undefined : out.error_description,
        ways: waysFrom(ctx, serverSide || out.error === 'temporarily_unavailable', paths, support),
      });
    },

    async logoutSource(ctx, form) {
      ctx.type = 'html';
      // RP-Initiated Logout 1.0 §2 takes ui_locales too.
      followSignIn(ctx.oidc.params?.ui_locales, undefined);
      const client = ctx.oidc.client;
      ctx.body = render('logout', { title: t('logout.title'), form, client: client?.clientName ?? client?.clientId });
    },

    async postLogoutSuccessSource(ctx) {
      ctx.type = 'html';
      const client = ctx.oidc.client;
      ctx.body = render('logged-out', { title: t('loggedOut.title'), client: client?.clientName ?? client?.clientId });
    },
  };
}
