/**
 * The yardstick: a bare oidc-provider (its in-memory adapter, no devInteractions) with the
 * least sign-in that takes the same steps as ours: a plain sign-in form whose POST checks the
 * password with argon2.verify (argon2id, m=19456 t=2 p=1, as src/crypto/password-hash.ts),
 * then a plain consent form whose POST saves a Grant. No CSRF, throttling, templates or logs.
 */
import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import argon2 from 'argon2';
import type { Context } from 'koa';
import Provider, { type ClientMetadata, type JWK } from 'oidc-provider';
import { BENCH_ACCOUNT, BENCH_CLIENT_METADATA, listenOnLoopback, runServer } from './serve.ts';

const ARGON2 = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;
const page = (body: string) => `<!doctype html><html><head><title>Sign in</title></head><body>${body}</body></html>`;

async function readForm(ctx: Context): Promise<URLSearchParams> {
  let body = '';
  for await (const chunk of ctx.req) body += String(chunk);
  return new URLSearchParams(body);
}

runServer(async () => {
  const { server, baseUrl } = await listenOnLoopback();
  const accountId = randomUUID();
  const passwordHash = await argon2.hash(BENCH_ACCOUNT.password, ARGON2);
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: randomUUID(), use: 'sig', alg: 'RS256' } as JWK;

  const provider = new Provider(baseUrl, {
    clients: [BENCH_CLIENT_METADATA as ClientMetadata],
    jwks: { keys: [signingKey] },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    async findAccount(_ctx, id) {
      if (id !== accountId) return undefined;
      return { accountId, claims: async () => ({ sub: accountId, email: BENCH_ACCOUNT.email, email_verified: true, name: 'Bench User' }) };
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    features: { devInteractions: { enabled: false } },
  });

  provider.use(async (ctx, next) => {
    const match = /^\/interaction\/([\w-]+)(\/login|\/consent)?$/.exec(ctx.path);
    if (!match) return next();
    const [, uid, step] = match;
    const details = await provider.interactionDetails(ctx.req, ctx.res);
    if (details.uid !== uid) ctx.throw(400, 'wrong interaction');
    const prompt = details.prompt.name;

    if (ctx.method === 'GET' && !step) {
      ctx.type = 'html';
      ctx.body = prompt === 'login'
        ? page(`<form method="post" action="/interaction/${uid}/login"><input name="email"><input type="password" name="password"><button>Sign in</button></form>`)
        : page(`<form method="post" action="/interaction/${uid}/consent"><button>Allow</button></form>`);
      return;
    }
    if (ctx.method === 'POST' && step === '/login' && prompt === 'login') {
      const form = await readForm(ctx);
      const valid = form.get('email') === BENCH_ACCOUNT.email && await argon2.verify(passwordHash, form.get('password') ?? '');
      if (!valid) ctx.throw(400, 'invalid email or password');
      const url = await provider.interactionResult(ctx.req, ctx.res, { login: { accountId } }, { mergeWithLastSubmission: false });
      ctx.status = 303;
      return ctx.redirect(url);
    }
    if (ctx.method === 'POST' && step === '/consent' && prompt === 'consent') {
      const missing = details.prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[] };
      const grant = new provider.Grant({ accountId: String(details.session!.accountId), clientId: String(details.params.client_id) });
      if (missing.missingOIDCScope?.length) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
      if (missing.missingOIDCClaims?.length) grant.addOIDCClaims(missing.missingOIDCClaims);
      const url = await provider.interactionResult(ctx.req, ctx.res, { consent: { grantId: await grant.save() } }, { mergeWithLastSubmission: true });
      ctx.status = 303;
      return ctx.redirect(url);
    }
    ctx.throw(400, 'wrong step');
  });

  return { server, handler: provider.callback(), baseUrl, account: BENCH_ACCOUNT, close: async () => {} };
});
