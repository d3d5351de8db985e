import { fileURLToPath } from 'node:url';
import { AMR } from '../../oidc/acr.ts';
import type { Factor } from '../factor.ts';
import { showTotpChallenge, submitTotp, type TotpChallengeDeps } from './challenge-step.ts';
import { showEnrol, submitEnrol, type TotpEnrolDeps } from './enrol-step.ts';
import { addAppSetupRoutes, startAppSetup, type TotpSetupDeps } from './setup-routes.ts';

/** The authenticator app (RFC 6238 TOTP). */
export const totpFactor: Factor<TotpChallengeDeps & TotpEnrolDeps, TotpSetupDeps> = {
  id: 'totp',
  name: 'Authenticator app',
  codesName: 'codes from your authenticator app',
  amr: AMR.totp,
  role: 'method',
  viewsDir: fileURLToPath(new URL('./views/', import.meta.url)),
  has: (status) => status.methods.some((method) => method.type === 'totp'),
  labelOf: () => 'Authenticator app',
  showChallenge: (ctx, deps, details, subject) => showTotpChallenge(ctx, deps, details, subject),
  addChallengeRoutes(routes, deps) {
    routes.post('totp', (ctx, details, subject, form) => submitTotp(ctx, deps, details, subject, form));
  },
  enrolAtSignIn: {
    title: 'Use an authenticator app',
    available: () => true,
    show: (ctx, deps, details, subject) => showEnrol(ctx, deps, details, subject),
    addRoutes(routes, deps) {
      routes.post('enrol', (ctx, details, subject, form) => submitEnrol(ctx, deps, details, subject, form));
    },
  },
  addSetupRoutes: addAppSetupRoutes,
  setupChoice: {
    title: 'Use an authenticator app',
    hint: '(recommended) Google Authenticator, Microsoft Authenticator, 1Password and others.',
    available: () => true,
    start: startAppSetup,
  },
};
