import type { AccountDirectory } from '../account-directory.ts';
import type { ComposedMfa } from '../../plugin/create-mfa.ts';

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  readStdin(): Promise<string>;
}

export interface CliContext {
  io: CliIo;
  /** Opened only by commands that need the store; closed by the caller. */
  directory(): Promise<AccountDirectory>;
  clients(): { client_id: string; client_name?: string; redirect_uris?: string[]; first_party?: boolean }[];
  /** The MFA plugin over the same store and keys as the running provider. */
  mfa(): Promise<Pick<ComposedMfa, 'service' | 'guard' | 'trusted' | 'audit'>>;
}
