import type { Context, Next } from 'koa';
import type { Metrics } from './metrics.ts';

/** The pages of a sign-in (`/interaction/:uid/<step>`), as interaction-routes.ts and the factors mount them. */
const INTERACTION_STEPS = new Set(['login', 'consent', 'abort', 'totp', 'sms', 'backup-code', 'passkey', 'passkey-sign-in', 'enrol', 'continue', 'new-backup-code', 'other-ways']);

/** oidc-provider's endpoints (its default routes), by the step they are in a sign-in. */
const PROVIDER_STEPS: Record<string, string> = {
  '/auth': 'authorize',
  '/token': 'token',
  '/me': 'userinfo',
  '/session/end': 'sign-out',
  '/jwks': 'jwks',
  '/token/introspection': 'introspection',
  '/token/revocation': 'revocation',
};

/**
 * The step a request is in, from a fixed list: a label never carries an interaction id or any
 * other part of the URL a client chose, so the histogram's series stay few.
 */
export function stepOf(path: string): string | undefined {
  if (path === '/healthz' || path === '/metrics') return undefined;
  const interaction = /^\/interaction\/[^/]+(?:\/([^/]+))?/.exec(path);
  if (interaction) return interaction[1] === undefined ? 'interaction-page' : INTERACTION_STEPS.has(interaction[1]) ? interaction[1] : 'interaction-other';
  if (/^\/auth\/[^/]+$/.test(path)) return 'resume';
  if (PROVIDER_STEPS[path]) return PROVIDER_STEPS[path];
  if (path.startsWith('/.well-known/')) return 'discovery';
  if (path === '/account' || path.startsWith('/account/')) return 'security-page';
  return 'other';
}

/** Times every request (our pages and oidc-provider's) into oidc_mfa_step_duration_seconds{step}. */
export function requestTiming(metrics: Metrics) {
  return async function timeRequest(ctx: Context, next: Next): Promise<void> {
    const step = stepOf(ctx.path);
    if (!step) return next();
    const end = metrics.stepSeconds.startTimer({ step });
    try {
      await next();
    } finally {
      end();
    }
  };
}
