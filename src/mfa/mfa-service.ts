import { randomUUID } from 'node:crypto';
import QRCode from 'qrcode';
import { systemClock, type Clock } from '../clock.ts';
import { hashPassword as hashSecret, verifyPassword as verifySecret } from '../crypto/password-hash.ts';
import type { SecretBox } from '../crypto/secret-box.ts';
import { canonicalBackupCode, newBackupCode } from '../factors/backup-code/backup-code.ts';
import { groupedKey, matchTotp, newTotpSecret, otpauthUri } from '../factors/totp/totp.ts';
import type { FactorGuard } from '../guard/factor-guard.ts';
import { FACTOR_IDS, type FactorId } from '../factors/factor-id.ts';

/** Every factor the guard counts wrong codes for; MFA off clears them all. */
import { AppError } from '../errors.ts';
import { endSessionsNow } from './account-security.ts';
import type { MethodSetUp, MfaStore } from './mfa-store.ts';
import { statusOf, type MfaStatus } from './mfa-status.ts';

export type { MfaStatus };

/** What the setup page shows: the same secret as a QR code and as grouped text. */
export interface TotpSetupView {
  uri: string;
  groupedKey: string;
  qrSvg: string;
}

export interface MfaServiceDeps {
  store: MfaStore;
  guard: FactorGuard;
  box: SecretBox;
  /** TOTP time; tests use a fake one. */
  clock: Clock;
  /**
   * Real time for "sessions before this end": it is compared with oidc-provider's own session
   * stamps, which always use the system clock.
   */
  sessionClock?: Clock;
  issuerLabel: string;
}

/** The second factors of an account: setup, verification, the backup code. No HTTP here. */
export interface MfaService {
  status(accountId: string): Promise<MfaStatus>;
  /** A new secret, sealed, to keep with the setup until its first code confirms it. Nothing is stored here. */
  startTotpSetup(accountId: string): string;
  describeSetup(accountId: string, sealedSecret: string, accountName: string): Promise<TotpSetupView>;
  /** The time step of a right first code, or undefined. Stores nothing: the caller first claims the setup. */
  checkSetupCode(accountId: string, sealedSecret: string, code: string): number | undefined;
  /** Adds an authenticator app; returns a new backup code (shown once). */
  enrolTotp(accountId: string, sealedSecret: string, acceptedStep: number, setUp: MethodSetUp): Promise<string>;
  /** Adds a number whose code was just verified; returns a new backup code (shown once). */
  enrolSms(accountId: string, phone: string, setUp: MethodSetUp): Promise<string>;
  /**
   * True once per right code of any of the account's apps (each app's step accepted once); false
   * for a wrong, expired or replayed code or a locked factor alike.
   */
  verifyTotp(accountId: string, code: string): Promise<boolean>;
  /** Records that this method was just used to sign in. */
  methodUsed(accountId: string, methodId: string): Promise<void>;
  /**
   * Removes one method (epoch raised: devices trusted before stop); removing the last turns MFA
   * off as `disable` does. Answers how many remain, -1 when it was not the account's.
   */
  removeMethod(accountId: string, methodId: string): Promise<number>;
  /** Makes this method the one a sign-in asks for first; false when it is not the account's. */
  setDefaultMethod(accountId: string, methodId: string): Promise<boolean>;
  /** Spends the backup code and returns its replacement (shown once); undefined when refused. */
  spendBackupCode(accountId: string, code: string): Promise<string | undefined>;
  regenerateBackupCode(accountId: string): Promise<string>;
  /**
   * MFA off: factors and backup code gone, epoch raised, every session must sign in again and its
   * grants, codes and tokens stop working. Resolves once a new sign-in would no longer be ended by it.
   */
  disable(accountId: string): Promise<void>;
  /** "Sign out everywhere": epoch raised, sessions, grants, codes and tokens end as for disable. */
  endSessions(accountId: string): Promise<void>;
}

const sealContext = (accountId: string) => `totp:${accountId}`;

export function createMfaService({ store, guard, box, clock, sessionClock = systemClock, issuerLabel }: MfaServiceDeps): MfaService {
  const openSecret = (accountId: string, sealed: string) => box.open(sealed, sealContext(accountId));

  // The store deletes the account's grants (and their codes and tokens) in the same write that
  // stamps sessionsValidAfter; findAccount refuses any code or token from before the stamp even
  // if one was written back after (create-provider.ts). The stamp is whole seconds, as
  // oidc-provider's are: see endSessionsNow (account-security.ts).
  async function disable(accountId: string): Promise<void> {
    await endSessionsNow(sessionClock, async (validAfter) => {
      await store.disable(accountId, validAfter);
      await Promise.all(FACTOR_IDS.map((factor) => guard.unlock(accountId, factor)));
    });
  }

  return {
    status: async (accountId) => statusOf(await store.get(accountId)),

    startTotpSetup: (accountId) => box.seal(newTotpSecret(), sealContext(accountId)),

    async describeSetup(accountId, sealedSecret, accountName) {
      const secret = openSecret(accountId, sealedSecret);
      const uri = otpauthUri(secret, issuerLabel, accountName);
      return { uri, groupedKey: groupedKey(secret), qrSvg: await QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 1 }) };
    },

    checkSetupCode: (accountId, sealedSecret, code) => matchTotp(openSecret(accountId, sealedSecret), code.replace(/\s/g, ''), clock(), null),

    async enrolTotp(accountId, sealedSecret, acceptedStep, setUp) {
      const backupCode = newBackupCode();
      const method = { id: randomUUID(), type: 'totp' as const, setUp, sealedSecret, lastAcceptedStep: acceptedStep, phone: null };
      await store.addCredential(accountId, method, await hashSecret(canonicalBackupCode(backupCode)!), clock());
      await guard.unlock(accountId, 'totp');
      return backupCode;
    },

    async enrolSms(accountId, phone, setUp) {
      const backupCode = newBackupCode();
      const method = { id: randomUUID(), type: 'sms' as const, setUp, sealedSecret: null, lastAcceptedStep: null, phone };
      await store.addCredential(accountId, method, await hashSecret(canonicalBackupCode(backupCode)!), clock());
      await guard.unlock(accountId, 'sms');
      return backupCode;
    },

    async verifyTotp(accountId, code) {
      if (!(await guard.attempt(accountId, 'totp'))) return false;
      const apps = (await store.get(accountId))?.credentials.filter((credential) => credential.type === 'totp') ?? [];
      for (const app of apps) {
        const step = matchTotp(openSecret(accountId, app.sealedSecret!), code.replace(/\s/g, ''), clock(), app.lastAcceptedStep);
        // The conditional write is the real replay guard: of two instances seeing the same step, one wins.
        if (step !== undefined && (await store.acceptTotpStep(accountId, app.id, step, clock()))) {
          await guard.recordSuccess(accountId, 'totp');
          return true;
        }
      }
      await guard.recordFailure(accountId, 'totp');
      return false;
    },

    methodUsed: (accountId, methodId) => store.touchCredential(accountId, methodId, clock()),

    async removeMethod(accountId, methodId) {
      const remaining = await store.removeCredential(accountId, methodId);
      // The last one gone is MFA off: the backup code goes too and every session ends.
      if (remaining === 0) await disable(accountId);
      return remaining;
    },

    setDefaultMethod: (accountId, methodId) => store.setDefaultCredential(accountId, methodId),

    async spendBackupCode(accountId, code) {
      if (!(await guard.attempt(accountId, 'backup-code'))) return undefined;
      const record = await store.get(accountId);
      const canonical = canonicalBackupCode(code);
      const current = record?.backupCodeHash;
      const right = Boolean(current && canonical && (await verifySecret(current, canonical)));
      if (right && current) {
        const replacement = newBackupCode();
        if (await store.swapBackupCode(accountId, current, await hashSecret(canonicalBackupCode(replacement)!), clock())) {
          await guard.recordSuccess(accountId, 'backup-code');
          return replacement;
        }
        // Another request spent it between our check and our write: this one fails.
        return undefined;
      }
      await guard.recordFailure(accountId, 'backup-code');
      return undefined;
    },

    async regenerateBackupCode(accountId) {
      const record = await store.get(accountId);
      const code = newBackupCode();
      const hash = await hashSecret(canonicalBackupCode(code)!);
      // Two tabs pressing "Generate" at once: one wins, the other is told, nothing breaks.
      if (!record?.backupCodeHash || !(await store.swapBackupCode(accountId, record.backupCodeHash, hash, clock()))) {
        throw new AppError('BACKUP_CODE_CHANGED');
      }
      return code;
    },

    disable,

    async endSessions(accountId) {
      await endSessionsNow(sessionClock, (validAfter) => store.raiseEpoch(accountId, validAfter, true));
    },
  };
}
