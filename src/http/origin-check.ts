import type { Context } from 'koa';
import { AppError } from '../errors.ts';

/**
 * Refuses a POST that a browser says came from another site (OWASP ASVS 5.0 V3, Web Frontend Security):
 * `Origin` must be ours when present, and `Sec-Fetch-Site` must not be cross-site.
 * Browsers send both on form posts; non-browser clients send neither and still need the CSRF token.
 */
export function assertSameOrigin(ctx: Context, issuerOrigin: string): void {
  const origin = ctx.get('origin');
  if (origin && origin !== issuerOrigin) throw new AppError('ORIGIN_REJECTED');
  if (ctx.get('sec-fetch-site') === 'cross-site') throw new AppError('ORIGIN_REJECTED');
}
