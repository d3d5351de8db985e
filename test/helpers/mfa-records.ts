import { randomUUID } from 'node:crypto';
import type { Credential, MfaRecord, MfaStore } from '../../src/mfa/mfa-store.ts';

/** The account's (first) authenticator app in a stored record, or null. */
export const appOf = (record: MfaRecord | undefined): Credential | null => record?.credentials.find((method) => method.type === 'totp') ?? null;

/** The account's (first) text-message method in a stored record, or null. */
export const phoneOf = (record: MfaRecord | undefined): Credential | null => record?.credentials.find((method) => method.type === 'sms') ?? null;

/** Straight into the store, as a setup would leave it: an authenticator app, with a backup code. Answers its id. */
export async function addApp(store: MfaStore, accountId: string, sealedSecret: string, acceptedStep: number, backupCodeHash: string, now: number): Promise<string> {
  const id = randomUUID();
  await store.addCredential(accountId, { id, type: 'totp', setUp: null, sealedSecret, lastAcceptedStep: acceptedStep, phone: null }, backupCodeHash, now);
  return id;
}

/** Straight into the store: a verified number, with a backup code. */
export async function addPhone(store: MfaStore, accountId: string, phone: string, backupCodeHash: string, now: number): Promise<void> {
  await store.addCredential(accountId, { id: randomUUID(), type: 'sms', setUp: null, sealedSecret: null, lastAcceptedStep: null, phone }, backupCodeHash, now);
}
