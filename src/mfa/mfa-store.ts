/**
 * How a method was set up, for the owner to recognise on the Security page (issue 9 §4): on the
 * Security page, or during a sign-in on the strength of the password alone; and from which device
 * (a label from the User-Agent, never the raw string).
 */
export interface MethodSetUp {
  how: 'security-page' | 'sign-in';
  device: string;
}

/** The kinds of method a person signs in with (the backup code is the account's, not a method). */
export type MethodType = 'totp' | 'sms' | 'passkey';

/**
 * A WebAuthn public-key credential (WebAuthn L3 §4 "Public Key Credential Source", the RP's
 * part of it): nothing here is secret; the private key never leaves the authenticator.
 */
export interface PasskeyKey {
  /** The credential id, base64url (WebAuthn L3 §6.1 credentialId). */
  credentialId: string;
  /** The COSE_Key public key, base64url (WebAuthn L3 §6.5.1.1 credentialPublicKey). */
  publicKey: string;
  /** The signature counter last accepted (WebAuthn L3 §6.1.1): 0 when the authenticator keeps none. */
  counter: number;
  /** What the authenticator said it can be reached over (usb, nfc, ble, internal, hybrid). */
  transports: string[];
  /** Flags BE and BS (WebAuthn L3 §6.1): may be synced, and is synced (last seen). */
  backupEligible: boolean;
  backupState: boolean;
  /** The name its owner gave it on the Security page. */
  name: string;
  /**
   * Shown at registration to live in hardware the operator trusts: bound to one device (BE unset)
   * and attested by a certificate chain to one of the operator's trust anchors
   * (attestation-trust.ts). Only such a passkey makes a sign-in `phrh` (EAP ACR Values 1.0).
   */
  hardwareBound: boolean;
}

/**
 * One method of an account: an authenticator app (its secret sealed, crypto/secret-box.ts) or a
 * verified mobile number (E.164). An account may have several, of either kind; one is the default.
 */
export interface Credential {
  id: string;
  type: MethodType;
  createdAt: number;
  lastUsedAt: number | null;
  isDefault: boolean;
  /** How it was set up; null when unknown (set up before this was recorded). */
  setUp: MethodSetUp | null;
  /** TOTP: the sealed secret, and the last RFC 6238 time step accepted with it (each accepted once). */
  sealedSecret: string | null;
  lastAcceptedStep: number | null;
  /** SMS: the verified number. */
  phone: string | null;
  /** Passkey: the public-key credential; absent for other methods. */
  passkey?: PasskeyKey;
}

/** A method about to be added: the store gives it its default flag and times. */
export type NewCredential = Pick<Credential, 'id' | 'type' | 'setUp' | 'sealedSecret' | 'lastAcceptedStep' | 'phone' | 'passkey'>;

/**
 * An account's second factors: its methods and its one backup code. No record, or one without a
 * method, means MFA is off.
 */
export interface MfaRecord {
  accountId: string;
  /** Oldest first. */
  credentials: Credential[];
  /** argon2id hash of the one current backup code. */
  backupCodeHash: string | null;
  backupCodeCreatedAt: number | null;
  /**
   * The account's security epoch: rises on a factor change, MFA off or reset, and "sign out
   * everywhere". Trusted devices from an older epoch stop working. 0 for a new record.
   */
  epoch: number;
  /** Sessions that began before this (ms) must sign in again; null when never set. */
  sessionsValidAfter: number | null;
}

/** What the MFA step needs from a store. Every method is atomic across instances. */
export interface MfaStore {
  get(accountId: string): Promise<MfaRecord | undefined>;
  /**
   * Adds a method (the default when it is the account's first) with a new backup code, and
   * raises the epoch in the same atomic write (a factor change: devices trusted before it stop).
   * False, and nothing written, when the method is a passkey whose credential id is registered
   * already, to this account or any other (WebAuthn L3 §7.1 step 26).
   */
  addCredential(accountId: string, credential: NewCredential, backupCodeHash: string, now: number): Promise<boolean>;
  /**
   * Removes one method and raises the epoch, atomically; when it was the default, the oldest
   * remaining method becomes the default. Answers how many remain (-1 when there was no such
   * method): the caller turns MFA off at 0.
   */
  removeCredential(accountId: string, credentialId: string): Promise<number>;
  /** Makes this method the default (the one a sign-in asks for first); false when it is not the account's. */
  setDefaultCredential(accountId: string, credentialId: string): Promise<boolean>;
  /**
   * Records `step` as used with this TOTP method (and the method as used `now`) when it is later
   * than its last accepted step; false for a replay or no such method.
   */
  acceptTotpStep(accountId: string, credentialId: string, step: number, now: number): Promise<boolean>;
  /**
   * Records a passkey assertion: its signature counter (only when it went forward, or when the
   * authenticator keeps none: both 0, WebAuthn L3 §6.1.1), its backup state (BS), and the use.
   * False for a counter that did not go forward (a cloned authenticator, or a replay) or no such passkey.
   */
  acceptPasskeyUse(accountId: string, credentialId: string, counter: number, backupState: boolean, now: number): Promise<boolean>;
  /** Renames one of the account's passkeys; false when it is not the account's. */
  renamePasskey(accountId: string, credentialId: string, name: string): Promise<boolean>;
  /** Records that this method was just used to sign in. */
  touchCredential(accountId: string, credentialId: string, now: number): Promise<void>;
  /** Replaces the backup code only while it is still `expectedHash`: of two racing spends, one wins. */
  swapBackupCode(accountId: string, expectedHash: string, newHash: string, now: number): Promise<boolean>;
  /**
   * Raises the epoch by one (creating the record if needed) and, with `endSessions`, sets
   * sessionsValidAfter to `now` and deletes the account's grants, codes and tokens in the same
   * atomic write (Store.revokeGrantsOf). Returns the new epoch.
   */
  raiseEpoch(accountId: string, now: number, endSessions: boolean): Promise<number>;
  /** Turns MFA off: every method and the backup code go; the epoch rises and sessions end, their grants, codes and tokens with them. */
  disable(accountId: string, now: number): Promise<void>;
  /** Deletes the whole record, epoch included: only when the account itself is deleted. */
  remove(accountId: string): Promise<void>;
}

/**
 * Short-lived values keyed by something already bound to the browser (an interaction uid, a
 * console session): "password ok, code pending", a setup in progress. They expire on their own.
 */
export interface TransientStore {
  set(key: string, value: string, ttlSeconds: number): Promise<void>;
  /**
   * Sets the value only when the key holds none (or only an expired one): of two racing claims,
   * one gets true. Used where a second writer must be refused, never allowed to overwrite.
   */
  claim(key: string, value: string, ttlSeconds: number): Promise<boolean>;
  get(key: string): Promise<string | undefined>;
  /** Reads and deletes in one step: of two racing takers, one gets the value. */
  take(key: string): Promise<string | undefined>;
  delete(key: string): Promise<void>;
}
