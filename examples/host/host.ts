/**
 * A host that already runs oidc-provider, adding oidc-mfa the way its README says: its own users,
 * its own extra prompt ("welcome", answered by its own page), a renamed authorization route, and
 * — with PASSWORD_PAGE=host — its own sign-in page that hands the account over after its own
 * password check. `npm test` packs the package, installs the tarball next to this file in a fresh
 * project, type-checks it and drives sign-ins through it (test/package/packed-host.test.ts).
 *
 *   PASSWORD_PAGE=plugin|host  PORT=0  node host.ts     (prints "listening <port>")
 */
import { generateKeyPairSync, randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Context, Next } from 'koa';
import Provider, { interactionPolicy, type KoaContextWithOIDC } from 'oidc-provider';
import { createMfa, openSqliteStore, type UserDirectory } from 'oidc-mfa';

// ---- the host's own users (scrypt; a real host has its own store) -------------------------------
const salt = randomBytes(16);
const hashOf = (password: string) => scryptSync(password, salt, 32);
const users = [{ id: 'user-1', login: 'sam@host.example', email: 'sam@host.example', hash: hashOf('correct horse battery staple') }];
function checkPassword(login: string, password: string): string | undefined {
  const user = users.find((candidate) => candidate.login === login);
  const ok = timingSafeEqual(user?.hash ?? hashOf('no such user'), hashOf(password));
  return user && ok ? user.id : undefined;
}
const directory: UserDirectory = {
  authenticate: async (login, password) => checkPassword(login, password),
  findById: async (id) => users.find((user) => user.id === id),
};

// ---- oidc-provider with the plugin merged in ---------------------------------------------------
const passwordPage = process.env.PASSWORD_PAGE === 'host' ? 'host' : 'plugin';
const server = createServer();
await new Promise<void>((resolve) => server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

const store = openSqliteStore({ file: ':memory:' });
const secret = () => randomBytes(32).toString('base64url');
const mfa = createMfa({
  issuer,
  directory,
  store,
  sealingKeys: [{ id: 'k1', key: randomBytes(32) }],
  // One list per purpose, newest first; a real host loads them from its secret store and rotates each on its own.
  secrets: { csrf: [secret()], textCodes: [secret()], trustedDevices: [secret()], loginDevices: [secret()] },
  settings: { enforcement: 'required' },
  passwordPage,
});

// The host's own prompt after the plugin's: a "welcome" page once per authorization.
const { Prompt, Check } = interactionPolicy;
const welcome = new Prompt({ name: 'welcome', requestable: false },
  new Check('welcome_not_seen', 'the welcome page was not shown yet', 'interaction_required',
    (ctx: KoaContextWithOIDC) => (ctx.oidc.result?.welcome ? Check.NO_NEED_TO_PROMPT : Check.REQUEST_PROMPT)));

// Signing keys made at start for this example; a real host loads its own.
const signingKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });

const provider = new Provider(issuer, {
  adapter: store.adapterFactory,
  jwks: { keys: [{ ...signingKey, kid: 'example-1', use: 'sig', alg: 'RS256' }] },
  clients: [
    { client_id: 'host-app', token_endpoint_auth_method: 'none', redirect_uris: ['http://rp.test/callback'] },
    ...mfa.clients,
  ],
  cookies: { keys: [randomBytes(32).toString('base64url')] },
  findAccount: async (_ctx, sub) => ({ accountId: sub, claims: async () => ({ sub }) }),
  features: { devInteractions: { enabled: false } },
  routes: { authorization: '/oauth/authorize' },
  interactions: { policy: [...mfa.policy, welcome], url: mfa.interactionUrl },
  loadExistingGrant: mfa.loadExistingGrant, // consent remembered per account and app until removed on the Security page
  acrValues: mfa.acrValues,
  claims: { ...mfa.claims },
  extraClientMetadata: mfa.extraClientMetadata,
  responseTypes: ['code', 'none'],
  pkce: { required: () => true },
});
mfa.install(provider);

// ---- the host's own pages, after the plugin's (it hands on what it does not answer) -------------
const page = (body: string) => `<!doctype html><html lang="en"><meta charset="utf-8"><title>Host</title><body>${body}</body></html>`;
async function formOf(ctx: Context): Promise<URLSearchParams> {
  let raw = '';
  for await (const chunk of ctx.req) raw += chunk;
  return new URLSearchParams(raw);
}

provider.use(async (ctx: Context, next: Next) => {
  const match = /^\/interaction\/([\w-]+)(?:\/(host-login|welcome))?$/.exec(ctx.path);
  if (!match) return next();
  const [, uid, action] = match;
  const details = await provider.interactionDetails(ctx.req, ctx.res);
  if (details.uid !== uid) ctx.throw(400, 'not this interaction');

  if (ctx.method === 'GET' && !action && details.prompt.name === 'login') {
    ctx.type = 'html';
    ctx.body = page(`<h1>Host sign-in</h1><form method="post" action="/interaction/${uid}/host-login">
      <label>Email <input name="login" autocomplete="username"></label>
      <label>Password <input name="password" type="password" autocomplete="current-password"></label>
      <button>Sign in</button></form>`);
    return;
  }
  if (ctx.method === 'POST' && action === 'host-login') {
    const form = await formOf(ctx);
    const accountId = checkPassword(form.get('login') ?? '', form.get('password') ?? '');
    if (!accountId) {
      ctx.status = 401;
      ctx.type = 'html';
      ctx.body = page('<p id="error">Wrong email or password.</p>');
      return;
    }
    await mfa.handOver(ctx, accountId); // the second factor (or its enrolment) from here on
    return;
  }
  if (ctx.method === 'GET' && !action && details.prompt.name === 'welcome') {
    ctx.type = 'html';
    ctx.body = page(`<h1 id="welcome">Welcome back</h1><form method="post" action="/interaction/${uid}/welcome"><button>Continue</button></form>`);
    return;
  }
  if (ctx.method === 'POST' && action === 'welcome') {
    const to = await provider.interactionResult(ctx.req, ctx.res, { welcome: { seen: true } }, { mergeWithLastSubmission: true });
    ctx.status = 303;
    ctx.redirect(to);
    return;
  }
  return next();
});

server.on('request', provider.callback());
console.log(`listening ${(server.address() as AddressInfo).port}`);
