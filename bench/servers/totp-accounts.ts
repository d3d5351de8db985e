/**
 * Accounts with the authenticator app on, enrolled the way the setup page does it
 * (mfa.service: startTotpSetup → checkSetupCode → enrolTotp), before the timed phase. Each
 * account costs two argon2 hashes (password, backup code), so they are made by a few workers
 * at once (inParallel). The raw secrets go to the load driver (base64, over IPC); the first
 * backup code comes back too, for the backup-code and trusted-device pools (mfa-pools.ts).
 */
import type { SealingKey } from '../../src/hosted/config/schema.ts';
import type { AccountDirectory } from '../../src/hosted/account-directory.ts';
import { createSecretBox } from '../../src/crypto/secret-box.ts';
import { timeStep, totpCode } from '../../src/factors/totp/totp.ts';
import type { MfaService } from '../../src/mfa/mfa-service.ts';
import type { TotpAccount } from '../lib/protocol.ts';
import { BENCH_ACCOUNT } from './serve.ts';

export interface EnrolDeps {
  directory: AccountDirectory;
  mfa: MfaService;
  sealingKeys: SealingKey[];
}

export interface EnrolledTotp {
  id: string;
  account: TotpAccount;
  backupCode: string;
}

/**
 * One account `bench-<label>-<index>@example.com` with the authenticator app on. The first code
 * is the previous step's (inside the one-step drift the server allows), so the enrolment uses up
 * that step and the current one stays free for the driver; a code that crossed a step boundary
 * on the way is retried.
 */
export async function enrolTotpAccount({ directory, mfa, sealingKeys }: EnrolDeps, label: string, index: number): Promise<EnrolledTotp> {
  const email = `bench-${label}-${index}@example.com`;
  const { id } = await directory.add({ email, password: BENCH_ACCOUNT.password, name: `Bench ${label} ${index}`, emailVerified: true });
  const sealed = mfa.startTotpSetup(id);
  const secret = createSecretBox(sealingKeys).open(sealed, `totp:${id}`);
  for (let attempt = 1; attempt <= 3; attempt += 1) {
    const step = mfa.checkSetupCode(id, sealed, totpCode(secret, timeStep(Date.now()) - 1));
    if (step === undefined) continue;
    const backupCode = await mfa.enrolTotp(id, sealed, step, { how: 'security-page', device: 'benchmark' });
    return { id, backupCode, account: { email, password: BENCH_ACCOUNT.password, totpSecret: secret.toString('base64'), enrolledStep: step } };
  }
  throw new Error(`${email}: the setup code was refused three times`);
}

/**
 * `make(0) … make(count - 1)`, `workers` at a time (argon2 runs on libuv's thread pool, 4 threads
 * by default), in index order; and how long that took (reported, never part of a measured phase).
 */
export async function inParallel<T>(count: number, make: (index: number) => Promise<T>, workers = 8): Promise<{ items: T[]; enrolMs: number }> {
  const start = performance.now();
  const items: T[] = [];
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next;
      next += 1;
      items[index] = await make(index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(workers, count) }, worker));
  return { items, enrolMs: Math.round(performance.now() - start) };
}

/** `count` accounts with TOTP for the TOTP pool. */
export async function enrolTotpAccounts(deps: EnrolDeps, count: number): Promise<{ accounts: TotpAccount[]; enrolMs: number }> {
  const { items, enrolMs } = await inParallel(count, async (index) => (await enrolTotpAccount(deps, 'totp', index)).account);
  return { accounts: items, enrolMs };
}
