import { FACTORS, labelOf, supportDetailsOf } from '../../factors/registry.ts';
import { assertOnlyOptions, requireOption, type ParsedArgs } from './args.ts';
import type { CliContext } from './cli-context.ts';

type Command = (args: ParsedArgs, ctx: CliContext) => Promise<number>;

const day = (ms: number | null | undefined) => (ms ? new Date(ms).toISOString().slice(0, 10) : '-');

/** The account named by --email (the only options besides `extra`), or an error line and undefined. */
async function accountFor(args: ParsedArgs, ctx: CliContext, extra: string[] = []) {
  assertOnlyOptions(args, ['email', ...extra]);
  const email = requireOption(args, 'email');
  const account = await (await ctx.directory()).findByEmail(email);
  if (!account) ctx.io.err(`error: no account with email ${email}`);
  return account;
}

/** Support's view of an account's second factors: methods, dates and lockouts; never a secret. */
export const MFA_COMMANDS: Record<string, Command> = {
  async 'mfa status'(args, ctx) {
    const account = await accountFor(args, ctx);
    if (!account) return 1;
    const { service, guard, trusted } = await ctx.mfa();
    const status = await service.status(account.id);
    ctx.io.out(`account     ${account.email} (sub ${account.id})`);
    ctx.io.out(`mfa         ${status.enabled ? 'on' : 'off'}`);
    // Every factor of the registry: what the account has, then its wrong codes in a row and any lock.
    // Every method, as its factor names it; then the factors' wrong codes in a row and any lock.
    for (const method of status.methods) {
      const setUp = method.setUp ? `, set up ${method.setUp.how === 'sign-in' ? 'during a sign-in' : 'on the Security page'} on ${method.setUp.device}` : '';
      ctx.io.out(`method      ${labelOf(method)}${method.isDefault ? ' (default)' : ''}, since ${day(method.createdAt)}, last used ${day(method.lastUsedAt)}${setUp}`);
      const details = supportDetailsOf(method);
      if (details) ctx.io.out(`              ${details}`);
    }
    ctx.io.out(`backup code ${status.backupCode ? `created ${day(status.backupCode.createdAt)}` : 'none'}`);
    for (const factor of FACTORS) {
      const locked = await guard.isLocked(account.id, factor.id);
      ctx.io.out(`${factor.id.padEnd(11)} ${await guard.failures(account.id, factor.id)} wrong in a row${locked ? ', LOCKED' : ''}`);
    }
    const devices = await trusted.list(account.id);
    ctx.io.out(`trusted     ${devices.length} device(s)`);
    for (const device of devices) {
      ctx.io.out(`  ${device.label}: first used ${day(device.createdAt)}, last used ${day(device.lastUsedAt)}, expires ${day(device.expiresAt)}`);
    }
    return 0;
  },

  /** The product brief's "contact our customer support team to recover your account". */
  async 'mfa reset'(args, ctx) {
    const reason = requireOption(args, 'reason').slice(0, 500);
    const account = await accountFor(args, ctx, ['reason']);
    if (!account) return 1;
    const { service, trusted, audit } = await ctx.mfa();
    await service.disable(account.id);
    const devices = await trusted.revokeAll(account.id);
    audit({ event: 'mfa.reset', accountId: account.id, details: { reason, by: 'cli', devicesRevoked: devices } });
    ctx.io.out(`reset ${account.email}: MFA off, ${devices} trusted device(s) revoked, every session must sign in again and its apps' tokens no longer work`);
    return 0;
  },

  async 'mfa unlock'(args, ctx) {
    const account = await accountFor(args, ctx);
    if (!account) return 1;
    const { guard } = await ctx.mfa();
    for (const factor of FACTORS) await guard.unlock(account.id, factor.id);
    ctx.io.out(`unlocked the second factors of ${account.email}`);
    return 0;
  },
};
