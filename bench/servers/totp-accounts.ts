/**
 * The pool of accounts a TOTP scenario signs in with, enrolled the way the setup page does it
 * (mfa.service: startTotpSetup → checkSetupCode → enrolTotp), before the timed phase. Each
 * account costs two argon2 hashes (password, backup code), so they are made by a few workers
 * at once. The raw secrets go to the load driver (base64, over IPC).
 */
import type { SealingKey } from '../../src/config/schema.ts';
import type { AccountDirectory } from '../../src/accounts/account-directory.ts';
import { createSecretBox } from '../../src/crypto/secret-box.ts';
import { timeStep, totpCode } from '../../src/factors/totp/totp.ts';
import type { MfaService } from '../../src/mfa/mfa-service.ts';
import type { TotpAccount } from '../lib/protocol.ts';
import { BENCH_ACCOUNT } from './serve.ts';

export interface EnrolOptions {
  directory: AccountDirectory;
  mfa: MfaService;
  sealingKeys: SealingKey[];
  count: number;
  /** Accounts in progress at once; argon2 runs on libuv's thread pool (4 threads by default). */
  workers?: number;
}

/**
 * One account with the authenticator app on. The first code is the previous step's (inside the
 * one-step drift the server allows), so the enrolment uses up that step and the current one
 * stays free for the driver; a code that crossed a step boundary on the way is retried.
 */
async function enrolOne({ directory, mfa, sealingKeys }: EnrolOptions, index: number): Promise<TotpAccount> {
  const email = `bench-totp-${index}@example.com`;
  const { id } = await directory.add({ email, password: BENCH_ACCOUNT.password, name: `Bench TOTP ${index}`, emailVerified: true });
  const sealed = mfa.startTotpSetup(id);
  const secret = createSecretBox(sealingKeys).open(sealed, `totp:${id}`);
  for (let attempt = 1; attempt <= 3; attempt += 1) {
    const step = mfa.checkSetupCode(id, sealed, totpCode(secret, timeStep(Date.now()) - 1));
    if (step === undefined) continue;
    await mfa.enrolTotp(id, sealed, step);
    return { email, password: BENCH_ACCOUNT.password, totpSecret: secret.toString('base64'), enrolledStep: step };
  }
  throw new Error(`${email}: the setup code was refused three times`);
}

/** `count` accounts, and how long enrolling them took (reported, never part of the measured phase). */
export async function enrolTotpAccounts(options: EnrolOptions): Promise<{ accounts: TotpAccount[]; enrolMs: number }> {
  const start = performance.now();
  const accounts: TotpAccount[] = [];
  let next = 0;
  const worker = async () => {
    while (next < options.count) {
      const index = next;
      next += 1;
      accounts[index] = await enrolOne(options, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.workers ?? 8, options.count) }, worker));
  return { accounts, enrolMs: Math.round(performance.now() - start) };
}
