import type { Credential, MethodSetUp, MethodType, MfaRecord } from './mfa-store.ts';

/** One method as pages, the CLI and the sign-in see it: never its secret. */
export interface MethodView {
  id: string;
  type: MethodType;
  createdAt: number;
  lastUsedAt: number | null;
  isDefault: boolean;
  /** How and from where it was set up; null when unknown. */
  setUp: MethodSetUp | null;
  /** SMS: the verified number (E.164), only ever shown masked. */
  phone: string | null;
}

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
  const { id, type, createdAt, lastUsedAt, isDefault, setUp, phone } = credential;
  return { id, type, createdAt, lastUsedAt, isDefault, setUp, phone };
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
