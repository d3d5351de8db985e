import type { Credential, MfaRecord } from './mfa-store.ts';

/** One method as pages, the CLI and the sign-in see it: never its secret (the phone is only ever shown masked). */
export type MethodView = Omit<Credential, 'sealedSecret' | 'lastAcceptedStep'>;

export interface MfaStatus {
  /** The account has at least one method. */
  enabled: boolean;
  /** Oldest first. */
  methods: MethodView[];
  /** The method a sign-in asks for first; undefined when MFA is off. */
  defaultMethod: MethodView | undefined;
  backupCode: { createdAt: number } | null;
}

function viewOf(credential: Credential): MethodView {
  const { id, type, createdAt, lastUsedAt, isDefault, setUp, phone, passkey } = credential;
  // A passkey's public key and counter are no secret (WebAuthn L3 §6.1), but pages need only its name and flags.
  return { id, type, createdAt, lastUsedAt, isDefault, setUp, phone, ...(passkey ? { passkey } : {}) };
}

export function statusOf(record: MfaRecord | undefined): MfaStatus {
  const methods = (record?.credentials ?? []).map(viewOf);
  const backupCode = record?.backupCodeHash ? { createdAt: record.backupCodeCreatedAt ?? 0 } : null;
  return {
    enabled: methods.length > 0,
    methods,
    defaultMethod: methods.find((method) => method.isDefault) ?? methods[0],
    backupCode,
  };
}

/** Whether a challenge page offers "Try another way": the account has another method to switch to. */
export function hasOtherMethods(status: MfaStatus): boolean {
  return status.methods.length > 1;
}
