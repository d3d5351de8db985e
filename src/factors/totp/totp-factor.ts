import { fileURLToPath } from 'node:url';
import { AMR } from '../../oidc/acr.ts';
import type { Factor } from '../factor.ts';
import { t } from '../../i18n/translate.ts';
import { showTotpChallenge, submitTotp, type TotpChallengeDeps } from './challenge-step.ts';
import { showEnrol, submitEnrol, type TotpEnrolDeps } from './enrol-step.ts';
import { addAppSetupRoutes, startAppSetup, type TotpSetupDeps } from './setup-routes.ts';

/** The authenticator app (RFC 6238 TOTP). */
export const totpFactor: Factor<TotpChallengeDeps & TotpEnrolDeps, TotpSetupDeps> = {
  id: 'totp',
  get name() { return t('factor.totp.name'); },
  get codesName() { return t('factor.totp.codesName'); },
  amr: AMR.totp,
  role: 'method',
  viewsDir: fileURLToPath(new URL('./views/', import.meta.url)),
  has: (status) => status.methods.some((method) => method.type === 'totp'),
  labelOf: () => t('factor.totp.name'),
  showChallenge: (ctx, deps, details, subject) => showTotpChallenge(ctx, deps, details, subject),
  addChallengeRoutes(routes, deps) {
    routes.post('totp', (ctx, details, subject, form) => submitTotp(ctx, deps, details, subject, form));
  },
  enrolAtSignIn: {
    get title() { return t('factor.totp.choiceTitle'); },
    available: () => true,
    show: (ctx, deps, details, subject) => showEnrol(ctx, deps, details, subject),
    addRoutes(routes, deps) {
      routes.post('enrol', (ctx, details, subject, form) => submitEnrol(ctx, deps, details, subject, form));
    },
  },
  addSetupRoutes: addAppSetupRoutes,
  setupChoice: {
    get title() { return t('factor.totp.choiceTitle'); },
    get hint() { return t('factor.totp.choiceHint'); },
    available: () => true,
    start: startAppSetup,
  },
};
