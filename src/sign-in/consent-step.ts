import type { Context } from 'koa';
import { accessInWords } from '../consent/access-words.ts';
import type { Logger } from '../log.ts';
import type { UserDirectory } from '../plugin/user-directory.ts';
import { actionsFor, clientNameOf, csrfScope, finishInteraction, type InteractionDetails, type InteractionPageDeps } from './interaction-io.ts';
import { t } from '../i18n/translate.ts';

/** The consent page names the account and the app; a grant is saved through the provider. */
export interface ConsentStepDeps extends InteractionPageDeps {
  directory: UserDirectory;
  log: Logger;
}

interface ConsentDetails {
  missingOIDCScope?: string[];
  missingOIDCClaims?: string[];
  missingResourceScopes?: Record<string, string[]>;
}

export async function showConsent(ctx: Context, deps: ConsentStepDeps, details: InteractionDetails) {
  const missing = details.prompt.details as ConsentDetails;
  const account = await deps.directory.findById(String(details.session?.accountId));
  const actions = actionsFor(deps.paths, details);
  // Only what the app's existing grant lacks (consent is remembered, consent/load-existing-grant.ts).
  // When nothing is new and the app still asked (prompt=consent), what it asks for this time.
  const asked = accessInWords(missing.missingOIDCScope ?? [], missing.missingOIDCClaims ?? []);
  const scopes = asked.length ? asked : accessInWords(String(details.params.scope ?? '').split(' '));
  ctx.type = 'html';
  ctx.body = deps.render('consent', {
    title: t('consent.title'),
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
