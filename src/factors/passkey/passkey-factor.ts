import { fileURLToPath } from 'node:url';
import { AMR } from '../../oidc/acr.ts';
import type { Factor } from '../factor.ts';
import { showPasskeyChallenge, submitPasskey, type PasskeyChallengeDeps } from './challenge-step.ts';
import { addPasskeySetupRoutes, startPasskeySetup, type PasskeySetupDeps } from './setup-routes.ts';

/**
 * Passkeys (WebAuthn L3) as the second factor after the password: the only phishing-resistant
 * factor here (acr `phr`, EAP ACR Values 1.0). Not offered for setup during a sign-in: a key bound
 * on the strength of the password alone would be no proof of anything (issue 9 §4).
 */
export const passkeyFactor: Factor<PasskeyChallengeDeps, PasskeySetupDeps> = {
  id: 'passkey',
  name: 'Passkey',
  codesName: 'your passkeys',
  amr: AMR.passkey,
  role: 'method',
  viewsDir: fileURLToPath(new URL('./views/', import.meta.url)),
  has: (status) => status.methods.some((method) => method.type === 'passkey'),
  labelOf: (method) => `Passkey “${method.passkey?.name ?? ''}”`,
  editHrefOf: (method) => `/account/security/passkeys/${encodeURIComponent(method.id)}/rename`,
  showChallenge: (ctx, deps, details, subject) => showPasskeyChallenge(ctx, deps, details, subject),
  addChallengeRoutes(routes, deps) {
    routes.post('passkey', (ctx, details, subject, form) => submitPasskey(ctx, deps, details, subject, form));
  },
  addSetupRoutes: addPasskeySetupRoutes,
  setupChoice: {
    title: 'Use a passkey',
    hint: 'Your fingerprint, face or screen lock, or a security key. Cannot be phished.',
    available: () => true,
    start: (ctx, deps) => startPasskeySetup(ctx, deps),
  },
};
