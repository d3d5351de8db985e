import type { KoaContextWithOIDC } from 'oidc-provider';
import { isFirstParty } from '../../oidc/client-metadata.ts';

/**
 * The grant this authorization can reuse. For first-party clients one is made on the spot
 * with exactly what was requested, so their users are never asked to consent to our own app.
 */
export async function loadExistingGrant(ctx: KoaContextWithOIDC) {
  const { oidc } = ctx;
  const client = oidc.client!;
  const session = oidc.session!;
  const grantId = oidc.result?.consent?.grantId || session.grantIdFor(client.clientId);
  const existing = grantId ? await oidc.provider.Grant.find(grantId) : undefined;
  if (existing) return existing;
  if (!isFirstParty(client as unknown as Record<string, unknown>)) return undefined;

  const grant = new oidc.provider.Grant({ clientId: client.clientId, accountId: session.accountId! });
  grant.addOIDCScope([...oidc.requestParamScopes].join(' '));
  const claims = [...oidc.requestParamClaims];
  if (claims.length) grant.addOIDCClaims(claims);
  await grant.save();
  return grant;
}
