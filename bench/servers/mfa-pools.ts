/**
 * The pools of accounts our bench server enrols before it reports ready (ServerOptions.pools),
 * through the same services the hosted pages use, and what the driver needs of each:
 * - totp: the raw secrets (totp-accounts.ts);
 * - sms: accounts enrolled with service.enrolSms, each to a number of its own (+447400NNNNNN,
 *   valid UK mobiles), and the outbox file the development sender appends its texts to;
 * - backup: accounts with TOTP on and their first backup code (the TOTP code page links to the
 *   backup-code form; an SMS account's code page would send a text first);
 * - trusted: accounts with TOTP on and a trusted-device token issued by trusted.trust() at the
 *   account's current security epoch, as "Trust this device" does after a right code.
 */
import { parseMobileNumber } from '../../src/factors/sms/phone-number.ts';
import type { ComposedMfa } from '../../src/plugin/create-mfa.ts';
import type { PoolSizes, Pools } from '../lib/protocol.ts';
import { BENCH_ACCOUNT } from './serve.ts';
import { enrolTotpAccount, enrolTotpAccounts, inParallel, type EnrolDeps } from './totp-accounts.ts';

export interface PoolDeps extends Omit<EnrolDeps, 'mfa'> {
  mfa: ComposedMfa;
  sms: { outboxFile: string; resendCooldownSeconds: number; perAccountPerHour: number };
}

/** +447400000000 + index: the 07400 block is a UK mobile range (libphonenumber agrees, checked below). */
export function benchPhone(index: number): string {
  const parsed = parseMobileNumber(`+447400${String(index).padStart(6, '0')}`, null);
  if (!parsed.ok) throw new Error(`bench phone number ${index} refused: ${parsed.code}`);
  return parsed.e164;
}

export async function enrolPools(deps: PoolDeps, sizes: PoolSizes): Promise<Pools> {
  const { directory, mfa } = deps;
  const totpDeps: EnrolDeps = { ...deps, mfa: mfa.service };
  const pools: Pools = {};
  if (sizes.totp) pools.totp = await enrolTotpAccounts(totpDeps, sizes.totp);
  if (sizes.sms) {
    const { items, enrolMs } = await inParallel(sizes.sms, async (index) => {
      const email = `bench-sms-${index}@example.com`;
      const { id } = await directory.add({ email, password: BENCH_ACCOUNT.password, name: `Bench sms ${index}`, emailVerified: true });
      const phone = benchPhone(index);
      await mfa.service.enrolSms(id, phone, { how: 'security-page', device: 'benchmark' });
      return { email, password: BENCH_ACCOUNT.password, phone };
    });
    pools.sms = { accounts: items, enrolMs, outboxFile: deps.sms.outboxFile, cooldownSeconds: deps.sms.resendCooldownSeconds, perAccountPerHour: deps.sms.perAccountPerHour };
  }
  if (sizes.backup) {
    const { items, enrolMs } = await inParallel(sizes.backup, async (index) => {
      const { account, backupCode } = await enrolTotpAccount(totpDeps, 'backup', index);
      return { email: account.email, password: account.password, backupCode };
    });
    pools.backup = { accounts: items, enrolMs };
  }
  if (sizes.trusted) {
    const { items, enrolMs } = await inParallel(sizes.trusted, async (index) => {
      const { id, account } = await enrolTotpAccount(totpDeps, 'trusted', index);
      const conditions = await mfa.security.conditions(id);
      if (!conditions) throw new Error(`${account.email}: no security conditions right after enrolment`);
      const { token } = await mfa.trusted.trust(id, conditions.epoch, 'oidc-mfa bench driver');
      return { email: account.email, password: account.password, trustToken: token };
    });
    pools.trusted = { accounts: items, enrolMs };
  }
  return pools;
}
