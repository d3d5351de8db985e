import { fileURLToPath } from 'node:url';
import { AMR } from '../../oidc/acr.ts';
import type { MethodView } from '../../mfa/mfa-status.ts';
import type { Factor } from '../factor.ts';
import { showPasskeyChallenge, submitPasskey, type PasskeyChallengeDeps } from './challenge-step.ts';
import { addPasskeySetupRoutes, startPasskeySetup, type PasskeySetupDeps } from './setup-routes.ts';

/**
 * For support: which key it is (the start of its credential id, as the person's device shows it in
 * its passkey manager), whether it is synced (WebAuthn L3 §6.1.3 backup eligible / backed up) or
 * bound to one device, its transports and signature counter (a counter stuck at 0 is normal for
 * synced passkeys). None of it is secret (WebAuthn L3 §6.1).
 */
function passkeySupportDetails(method: MethodView): string {
  const key = method.passkey;
  if (!key) return '';
  const kind = key.backupEligible ? (key.backupState ? 'synced' : 'can sync, not backed up yet') : `bound to one device${key.hardwareBound ? ', attested hardware' : ''}`;
  const transports = key.transports.length > 0 ? key.transports.join('/') : 'transports unknown';
  return `credential ${key.credentialId.slice(0, 12)}…, ${kind}, ${transports}, counter ${key.counter}`;
}

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
  supportDetailsOf: passkeySupportDetails,
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
