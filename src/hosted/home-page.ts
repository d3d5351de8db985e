import type { Middleware } from 'koa';
import type { RenderPage } from '../http/views.ts';
import { t } from '../i18n/translate.ts';

export interface HomePageOptions {
  render: RenderPage;
  /** The demo relying app's address while it runs (development); left out, no link. */
  demoUrl?: string;
}

/**
 * `/`: the first address `npm start` prints. People rarely start at an identity provider, so the
 * page says what this is and leads on: the Security page for people, the demo app while it runs,
 * discovery for the developers of relying apps.
 */
export function homePage({ render, demoUrl }: HomePageOptions): Middleware {
  return async (ctx, next) => {
    if (ctx.path !== '/' || (ctx.method !== 'GET' && ctx.method !== 'HEAD')) return next();
    ctx.type = 'html';
    ctx.set('cache-control', 'no-store');
    ctx.body = render('home', { title: t('home.title'), demoUrl });
  };
}
