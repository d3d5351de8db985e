import type { SecretBox } from '../../crypto/secret-box.ts';
import type { TransientStore } from '../../mfa/mfa-store.ts';

/** What the "Save your new backup code" page shows, kept until its owner says it is saved. */
export interface ShownBackupCode {
  code: string;
  title: string;
  lead: string;
}

/** Where one is kept: a scope bound by the caller to a sign-in or a Security-page session AND the account, and for how long. */
export interface ShownCodePlace {
  scope: string;
  accountId: string;
  ttlSeconds: number;
}

/**
 * A new backup code stays viewable until "I've saved it": a refresh, a lost connection or Back
 * and Forward show it again rather than losing it (the old one is already spent). It waits
 * sealed (AES-256-GCM, bound to its scope and account: a value copied under another scope or
 * account does not open), never in a page's URL, and is forgotten when saved.
 */
export function shownBackupCode(deps: { transient: TransientStore; box: SecretBox }, place: ShownCodePlace) {
  const key = `shown-backup-code:${place.scope}`;
  const context = `shown-backup-code:${place.scope}:${place.accountId}`;
  return {
    async keep(shown: ShownBackupCode): Promise<void> {
      await deps.transient.set(key, deps.box.seal(Buffer.from(JSON.stringify(shown)), context), place.ttlSeconds);
    },
    async read(): Promise<ShownBackupCode | undefined> {
      const sealed = await deps.transient.get(key);
      if (!sealed) return undefined;
      try {
        return JSON.parse(deps.box.open(sealed, context).toString('utf8')) as ShownBackupCode;
      } catch {
        // Sealed for another account or scope, or under a key no longer configured: nothing to show.
        return undefined;
      }
    },
    forget: () => deps.transient.delete(key),
  };
}

/**
 * "Download" on the new-code page: a `data:` link holding only the code that page already shows,
 * so a download needs no route and no stored state another session could ask for. The page is
 * `no-store`, like every page of ours.
 */
export function backupCodeDownloadHref(code: string): string {
  const text = [
    'Your backup code',
    '',
    code,
    '',
    'It works once, with your password, when you cannot use your other sign-in methods; you then get a new one.',
    'Keep it private, like a password.',
    '',
  ].join('\n');
  return `data:text/plain;charset=utf-8,${encodeURIComponent(text)}`;
}
