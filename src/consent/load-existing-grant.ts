import type { KoaContextWithOIDC } from 'oidc-provider';
import { startedBefore } from '../mfa/account-security.ts';
import { isFirstParty } from '../oidc/client-metadata.ts';
import type { AccountGrantStore, StoredGrant } from './account-grant-store.ts';

/** What remembered consent reads: the account's grants, and since when its sessions count. */
export interface RememberedConsentDeps {
  grants: Pick<AccountGrantStore, 'listGrants'>;
  /** When the account's sessions last ended (ms), or undefined for an account that is gone (AccountSecurity.validAfter). */
  validAfter(accountId: string): Promise<number | undefined>;
}

type Grant = InstanceType<KoaContextWithOIDC['oidc']['provider']['Grant']>;

/**
 * oidc-provider's `loadExistingGrant`: the grant this authorization can build on.
 *
 * oidc-provider's own looks only at the grant of the current session, so every new session (a
 * sign-in on another browser, after signing out, after a trusted-device sign-in) asked "Allow
 * access?" again. Here, when the session holds none for the app:
 *   - a first-party app gets one made on the spot with exactly what was requested: the operator's
 *     own apps never ask for consent (unchanged);
 *   - any other app gets the account's existing grant for that app, found through the store's
 *     per-account index. oidc-provider's consent prompt then asks only for what that grant lacks:
 *     nothing when nothing new is asked (no consent page), only the new scopes or claims otherwise.
 *     The grant must be this account's and this app's (checked again here, whatever the index
 *     says), and from after the account's sessions last ended. Its lifetime starts again, so
 *     consent an app keeps using is kept until removed from the Security page (or a security event
 *     ends every grant); one unused for a whole grant lifetime lapses.
 *
 * A third-party grant is shared by every session of the account that uses the app, so a session
 * holding one is marked `persistsLogout`: signing out of one browser then does not revoke the
 * grant (oidc-provider's end_session would delete the consent, and revoke by grant id what other
 * browsers got from it — another device's offline refresh token). What that browser's session got
 * still ends with it: oidc-provider binds those codes and tokens to their session
 * (`expiresWithSession`, checked on every use), and offline tokens persist logout by design.
 */
export function createLoadExistingGrant(deps: RememberedConsentDeps) {
  return async function loadExistingGrant(ctx: KoaContextWithOIDC): Promise<Grant | undefined> {
    const { oidc } = ctx;
    const client = oidc.client!;
    const session = oidc.session!;
    const accountId = session.accountId!;
    const { Grant } = oidc.provider;
    const firstParty = isFirstParty(client as unknown as Record<string, unknown>);
    const belongs = (grant: Grant | undefined): grant is Grant => grant?.accountId === accountId && grant.clientId === client.clientId;

    const heldId = oidc.result?.consent?.grantId || session.grantIdFor(client.clientId);
    const held = heldId ? await Grant.find(heldId) : undefined;
    if (belongs(held)) {
      if (!firstParty) keepAtSignOut(ctx);
      return held;
    }

    if (firstParty) {
      const grant = new Grant({ clientId: client.clientId, accountId });
      grant.addOIDCScope([...oidc.requestParamScopes].join(' '));
      const claims = [...oidc.requestParamClaims];
      if (claims.length) grant.addOIDCClaims(claims);
      await grant.save();
      return grant;
    }

    const chosen = await rememberedGrantOf(deps, accountId, client.clientId);
    // Made from the stored payload as Grant.find would, without reading it again (and lapsed by oidc-provider's own clock too).
    const remembered = chosen ? new Grant({ ...chosen, jti: chosen.id } as ConstructorParameters<typeof Grant>[0]) : undefined;
    if (!belongs(remembered) || remembered.isExpired) return undefined;
    if (dueForRenewal(remembered)) {
      // A fresh lifetime from now: oidc-provider recomputes exp from ttl.Grant when it is unset.
      remembered.exp = undefined;
      await remembered.save();
    }
    keepAtSignOut(ctx);
    return remembered;
  };
}

/**
 * A remembered grant's lifetime starts again when a new session uses it, at most once a day (or
 * once per half-lifetime, when grants live less than two days): a write per day is enough to keep
 * an app in use allowed, rather than one per sign-in.
 */
const RENEW_AFTER_SECONDS = 86_400;

function dueForRenewal(grant: Grant): boolean {
  if (grant.exp === undefined) return false;
  const lifetime = grant.expiration;
  const remaining = grant.exp - Math.floor(Date.now() / 1000);
  return remaining < lifetime - Math.min(RENEW_AFTER_SECONDS, lifetime / 2);
}

/**
 * The account's grant for this app that a new session may build on: this account's, this app's,
 * given after the account's sessions last ended (a grant written back after a password change or
 * "sign out everywhere" lost its race with the deletion is not remembered), the one lasting
 * longest where old sessions left several.
 */
async function rememberedGrantOf(deps: RememberedConsentDeps, accountId: string, clientId: string): Promise<StoredGrant | undefined> {
  // Together, so they travel in one round trip: the prompt's checks need validAfter in this request anyway (read once, request-scope.ts).
  const [grants, validAfter] = await Promise.all([deps.grants.listGrants(accountId), deps.validAfter(accountId)]);
  const candidates = grants.filter((grant) => grant.accountId === accountId && grant.clientId === clientId);
  if (!candidates.length || validAfter === undefined) return undefined;
  const lasting = (grant: StoredGrant) => grant.exp ?? Number.POSITIVE_INFINITY;
  return candidates
    .filter((grant) => !startedBefore(grant.iat, validAfter))
    .sort((a, b) => lasting(b) - lasting(a))[0];
}

/** Marks this session's authorization of the app so that signing out does not revoke its (shared) grant. */
function keepAtSignOut(ctx: KoaContextWithOIDC): void {
  const { session, client } = ctx.oidc;
  // authorizationFor() hands back a detached object until the session has a container for the app.
  session!.ensureClientContainer(client!.clientId);
  session!.authorizationFor(client!.clientId).persistsLogout = true;
}
