import type { Context } from 'koa';
import type { Logger } from '../log.ts';
import type { UserDirectory } from '../plugin/user-directory.ts';
import { actionsFor, clientNameOf, csrfScope, finishInteraction, type InteractionDetails, type InteractionPageDeps } from './interaction-io.ts';

/** The consent page names the account and the app; a grant is saved through the provider. */
export interface ConsentStepDeps extends InteractionPageDeps {
  directory: UserDirectory;
  log: Logger;
}

/** What each scope lets the app do, in the words a person reads on the consent page. */
const SCOPE_DESCRIPTIONS: Record<string, string> = {
  openid: 'Know who you are when you sign in',
  email: 'See your email address',
  profile: 'See your name',
  offline_access: 'Stay connected to your account while you are away',
};

interface ConsentDetails {
  missingOIDCScope?: string[];
  missingOIDCClaims?: string[];
  missingResourceScopes?: Record<string, string[]>;
}

export async function showConsent(ctx: Context, deps: ConsentStepDeps, details: InteractionDetails) {
  const missing = details.prompt.details as ConsentDetails;
  const account = await deps.directory.findById(String(details.session?.accountId));
  const actions = actionsFor(details);
  const scopes = (missing.missingOIDCScope ?? []).map((scope) => SCOPE_DESCRIPTIONS[scope] ?? `Use "${scope}"`);
  if (missing.missingOIDCClaims?.length) scopes.push(`See these details: ${missing.missingOIDCClaims.join(', ')}`);
  ctx.type = 'html';
  ctx.body = deps.render('consent', {
    title: 'Allow access',
    client: await clientNameOf(deps, details),
    scopes,
    email: account?.email ?? '',
    action: actions.consent,
    abortAction: actions.abort,
    csrf: deps.csrf.tokenFor(csrfScope(details)),
  });
}

/** Records what the person allowed as an oidc-provider Grant, then resumes the authorization. */
export async function submitConsent(ctx: Context, deps: ConsentStepDeps, details: InteractionDetails) {
  const { Grant } = deps.provider;
  const missing = details.prompt.details as ConsentDetails;
  const accountId = String(details.session!.accountId);
  const clientId = String(details.params.client_id);
  const grant = (details.grantId ? await Grant.find(details.grantId) : undefined) ?? new Grant({ accountId, clientId });
  if (missing.missingOIDCScope?.length) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
  if (missing.missingOIDCClaims?.length) grant.addOIDCClaims(missing.missingOIDCClaims);
  for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {})) {
    grant.addResourceScope(indicator, scopes.join(' '));
  }
  const grantId = await grant.save();
  deps.log.info('consent.granted', { accountId, clientId });
  await finishInteraction(ctx, deps, details, { consent: { grantId } }, true);
}
