import { ACR, PAPE_MULTI_FACTOR } from './acr.ts';

/**
 * What a relying app asked for by way of authentication level: `acr_values` (voluntary) and the
 * `claims` parameter's `id_token.acr` (OpenID Connect Core §5.5.1.1): with `essential: true` and
 * a `value` or `values`, the acr we issue MUST be one of them, or the sign-in fails.
 */
export interface AcrRequest {
  values: readonly string[];
  /** Requested through the claims parameter as essential: a strict demand, not a preference. */
  essential: boolean;
}

export const NO_ACR_REQUEST: AcrRequest = { values: [], essential: false };

interface AcrClaimRequest {
  essential?: unknown;
  value?: unknown;
  values?: unknown;
}

function acrClaimOf(claims: unknown): AcrClaimRequest | undefined {
  let parsed = claims;
  if (typeof claims === 'string') {
    // oidc-provider has validated the JSON when the authorization began; anything odd here asks for nothing.
    try {
      parsed = JSON.parse(claims);
    } catch {
      return undefined;
    }
  }
  const acr = (parsed as { id_token?: { acr?: unknown } } | null | undefined)?.id_token?.acr;
  return acr && typeof acr === 'object' ? (acr as AcrClaimRequest) : undefined;
}

/** The request's acr demands, from its `acr_values` and `claims` (a parsed object or the raw JSON string). */
export function acrRequestOf(acrValues: unknown, claims: unknown): AcrRequest {
  const voluntary = typeof acrValues === 'string' ? acrValues.split(' ').filter(Boolean) : [];
  const claim = acrClaimOf(claims);
  const claimed = [
    ...(typeof claim?.value === 'string' ? [claim.value] : []),
    ...(Array.isArray(claim?.values) ? claim.values.filter((value): value is string => typeof value === 'string') : []),
  ];
  const essential = claim?.essential === true && claimed.length > 0;
  // An essential demand narrows what may be issued; voluntary values only add preferences.
  return essential ? { values: claimed, essential } : { values: [...voluntary, ...claimed], essential: false };
}

/** Whether an issued acr meets an essential demand; the PAPE multi-factor policy is our MFA level by another name. */
export function meetsEssentialAcr(request: AcrRequest, acr: string | undefined): boolean {
  if (!request.essential) return true;
  const named = new Set(request.values.map((value) => (value === PAPE_MULTI_FACTOR ? ACR.mfa : value)));
  return acr !== undefined && named.has(acr);
}
