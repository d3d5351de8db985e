import type { Configuration, KoaContextWithOIDC } from 'oidc-provider';
import { ERRORS } from '../errors.ts';
import { isStoreUnavailable } from '../store/store-errors.ts';
import { answerStoreUnavailable } from './store-unavailable.ts';
import type { RenderPage } from './views.ts';

type Pages = Pick<Configuration, 'renderError'> & {
  logoutSource: (ctx: KoaContextWithOIDC, form: string) => Promise<void>;
  postLogoutSuccessSource: (ctx: KoaContextWithOIDC) => Promise<void>;
};

/** The pages oidc-provider renders itself, in our layout: errors, sign-out confirmation, signed out. */
export function createProviderPages(render: RenderPage): Pages {
  return {
    async renderError(ctx, out, error) {
      if (isStoreUnavailable(error)) return answerStoreUnavailable(ctx, { page: render });
      ctx.type = 'html';
      ctx.set('cache-control', 'no-store');
      // oidc-provider's descriptions are written for developers of the relying app and hold no secrets.
      const serverSide = out.error === 'server_error';
      ctx.body = render('error', {
        title: serverSide ? 'Something went wrong' : 'The app sent an invalid sign-in request',
        code: out.error,
        message: serverSide ? ERRORS.INTERNAL.message : (out.error_description ?? 'The request could not be processed.'),
      });
    },

    async logoutSource(ctx, form) {
      ctx.type = 'html';
      const client = ctx.oidc.client;
      ctx.body = render('logout', { title: 'Sign out', form, client: client?.clientName ?? client?.clientId });
    },

    async postLogoutSuccessSource(ctx) {
      ctx.type = 'html';
      const client = ctx.oidc.client;
      ctx.body = render('logged-out', { title: 'Signed out', client: client?.clientName ?? client?.clientId });
    },
  };
}
