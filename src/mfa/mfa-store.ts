/** An account's authenticator-app enrolment. The secret is sealed (crypto/secret-box.ts), never stored plain. */
export interface TotpEnrolment {
  sealedSecret: string;
  enrolledAt: number;
  /** The last RFC 6238 time step accepted for this account; a step is accepted once. */
  lastAcceptedStep: number | null;
}

/** A verified mobile number for codes by text message, in E.164. */
export interface SmsEnrolment {
  phone: string;
  enrolledAt: number;
}

/**
 * How the current method was set up, for the owner to recognise on the Security page (issue 9
 * §4): on the Security page, or during a sign-in on the strength of the password alone; and from
 * which device (a label from the User-Agent, never the raw string).
 */
export interface MethodSetUp {
  how: 'security-page' | 'sign-in';
  device: string;
}

/**
 * An account's second factors: one method at a time (the app or text messages) and one backup
 * code. No record, or one without a method, means MFA is off.
 */
export interface MfaRecord {
  accountId: string;
  totp: TotpEnrolment | null;
  sms: SmsEnrolment | null;
  /** How the current method was set up; null when unknown (set up before this was recorded) or MFA is off. */
  methodSetUp: MethodSetUp | null;
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
   * Turns the authenticator app on (replacing an earlier one, or text messages) together with a
   * new backup code, and raises the epoch in the same atomic write (a factor change).
   * `acceptedStep` is the step of the code that confirmed the setup: it cannot be used again.
   */
  enrolTotp(accountId: string, sealedSecret: string, acceptedStep: number, backupCodeHash: string, now: number, setUp?: MethodSetUp): Promise<void>;
  /** Turns text-message codes on for a verified number (replacing any other method) with a new backup code; raises the epoch likewise. */
  enrolSms(accountId: string, phone: string, backupCodeHash: string, now: number, setUp?: MethodSetUp): Promise<void>;
  /** Records `step` as used when it is later than the last accepted step; false for a replay. */
  acceptTotpStep(accountId: string, step: number): Promise<boolean>;
  /** Replaces the backup code only while it is still `expectedHash`: of two racing spends, one wins. */
  swapBackupCode(accountId: string, expectedHash: string, newHash: string, now: number): Promise<boolean>;
  /**
   * Raises the epoch by one (creating the record if needed) and, with `endSessions`, sets
   * sessionsValidAfter to `now`. Returns the new epoch.
   */
  raiseEpoch(accountId: string, now: number, endSessions: boolean): Promise<number>;
  /** Turns MFA off: every factor and the backup code go; the epoch rises and sessions end. */
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
