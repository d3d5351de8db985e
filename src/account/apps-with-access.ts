import type Provider from 'oidc-provider';
import { accessInWords } from '../consent/access-words.ts';
import type { AccountGrantStore, StoredGrant } from '../consent/account-grant-store.ts';
import { isFirstParty } from '../oidc/client-metadata.ts';
import { formatDate } from './format-date.ts';
import { t } from '../i18n/translate.ts';

/** Where the Security page finds the apps an account allowed: the store's grants, the provider's clients. */
export interface AppsWithAccessDeps {
  provider: Provider;
  grants: AccountGrantStore;
}

export interface AppWithAccess {
  clientId: string;
  name: string;
  /** When access was first given (a day). */
  since: string | undefined;
  /** What the app may see and do, in plain words. */
  access: string[];
  /** The grant "Remove access" names: the app's newest; removing it removes the app's others too. */
  grantId: string;
  /** Every grant of the app, that one included. */
  grantIds: string[];
}

/** What a stored grant allows: its OpenID scopes less those declined (openid itself cannot be). */
function grantedScopes(grant: StoredGrant): string[] {
  const declined = new Set((grant.rejected?.openid?.scope ?? '').split(' ').filter((scope) => scope !== 'openid'));
  return (grant.openid?.scope ?? '').split(' ').filter((scope) => scope && !declined.has(scope));
}

function grantedClaims(grant: StoredGrant): string[] {
  const declined = new Set(grant.rejected?.openid?.claims ?? []);
  return (grant.openid?.claims ?? []).filter((claim) => !declined.has(claim));
}

const union = (lists: string[][]) => [...new Set(lists.flat())];

/**
 * The apps with access to the account, one entry per app (sessions from before consent was
 * remembered may have left an app several grants). Not listed: first-party apps, this console's
 * own client among them. They were never asked for consent — each sign-in makes their grant on
 * the spot — so there is no consent to remove; ending what they hold is "Sign out everywhere".
 * An app no longer registered is listed by its id, so what it was given can still be removed.
 */
export async function appsWithAccess(deps: AppsWithAccessDeps, accountId: string): Promise<AppWithAccess[]> {
  const byClient = new Map<string, StoredGrant[]>();
  for (const grant of await deps.grants.listGrants(accountId)) {
    if (grant.accountId !== accountId) continue;
    byClient.set(grant.clientId, [...(byClient.get(grant.clientId) ?? []), grant]);
  }
  const apps: AppWithAccess[] = [];
  for (const [clientId, grants] of byClient) {
    const client = await deps.provider.Client.find(clientId);
    if (client && isFirstParty(client as unknown as Record<string, unknown>)) continue;
    const newest = [...grants].sort((a, b) => (b.exp ?? Infinity) - (a.exp ?? Infinity))[0]!;
    const firstGiven = Math.min(...grants.map((grant) => grant.iat ?? Infinity));
    apps.push({
      clientId,
      name: client ? client.clientName ?? clientId : t('apps.noLongerRegistered', { app: clientId }),
      since: Number.isFinite(firstGiven) ? formatDate(firstGiven * 1000) : undefined,
      access: accessInWords(union(grants.map(grantedScopes)), union(grants.map(grantedClaims))),
      grantId: newest.id,
      grantIds: grants.map((grant) => grant.id),
    });
  }
  return apps.sort((a, b) => a.name.localeCompare(b.name));
}
