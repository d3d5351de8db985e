import type { AccountDirectory } from '../../src/hosted/account-directory.ts';
import { HttpSession } from './http-session.ts';
import { enrolAuthenticator, openSecurityPage } from './mfa-flow.ts';
import { realTotp } from './real-totp.ts';
import type { RouteProxy } from './route-proxy.ts';

/**
 * For tests of provider processes behind the route proxy (test/instances): a new account, signed
 * in on the Security page through the instance `via`, with the authenticator app set up there on
 * the real clock (the processes use the system clock). Its console session stays signed in.
 */
export async function enrolledThroughProxy(deps: { directory: AccountDirectory; proxy: RouteProxy; password: string }, name: string, via: string) {
  const email = `${name}@example.com`;
  const record = await deps.directory.add({ email, password: deps.password });
  const totp = realTotp();
  const console = new HttpSession();
  deps.proxy.route(via);
  const security = await openSecurityPage(console, deps.proxy.url, { email, password: deps.password });
  expect(security.text).toContain('2-step verification');
  const { key, backupCode } = await enrolAuthenticator(console, deps.proxy.url, totp.clock);
  return { email, accountId: record.id, key, backupCode, totp, console };
}
