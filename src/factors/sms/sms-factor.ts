import { fileURLToPath } from 'node:url';
import { AMR } from '../../oidc/acr.ts';
import type { Factor } from '../factor.ts';
import { t } from '../../i18n/translate.ts';
import { openSmsChallenge, resendSmsCode, submitSmsCode, type SmsChallengeDeps } from './challenge-step.ts';
import { maskPhone } from './phone-number.ts';
import { showEnrolCodeForm, showEnrolPhoneForm, submitEnrolCode, submitEnrolPhone, type SmsEnrolDeps } from './enrol-step.ts';
import { addSmsSetupRoutes, type SmsSetupDeps } from './setup-routes.ts';

/** Codes by text message to a verified mobile number (NIST SP 800-63B §5.1.3.3: restricted, still offered). */
export const smsFactor: Factor<SmsChallengeDeps & SmsEnrolDeps, SmsSetupDeps> = {
  id: 'sms',
  get name() { return t('factor.sms.name'); },
  get codesName() { return t('factor.sms.codesName'); },
  amr: AMR.sms,
  role: 'method',
  viewsDir: fileURLToPath(new URL('./views/', import.meta.url)),
  has: (status) => status.methods.some((method) => method.type === 'sms'),
  labelOf: (method) => t('factor.sms.label', { phone: maskPhone(method.phone ?? '') }),
  showChallenge: openSmsChallenge,
  addChallengeRoutes(routes, deps) {
    routes.post('sms', (ctx, details, subject, form) => submitSmsCode(ctx, deps, details, subject, form));
    routes.post('sms/send', (ctx, details, subject) => resendSmsCode(ctx, deps, details, subject));
  },
  enrolAtSignIn: {
    get title() { return t('factor.sms.choiceTitle'); },
    available: (deps) => Boolean(deps.sms),
    show: showEnrolPhoneForm,
    addRoutes(routes, deps) {
      routes.get('enrol/sms', (ctx, details, subject) => showEnrolPhoneForm(ctx, deps, details, subject));
      routes.post('enrol/sms', (ctx, details, subject, form) => submitEnrolPhone(ctx, deps, details, subject, form));
      routes.get('enrol/sms/verify', (ctx, details, subject) => showEnrolCodeForm(ctx, deps, details, subject));
      routes.post('enrol/sms/verify', (ctx, details, subject, form) => submitEnrolCode(ctx, deps, details, subject, form));
    },
  },
  addSetupRoutes: addSmsSetupRoutes,
  setupChoice: {
    get title() { return t('factor.sms.choiceTitle'); },
    get hint() { return t('factor.sms.choiceHint'); },
    available: (deps) => Boolean(deps.sms),
    async start(ctx, deps) {
      ctx.status = 303;
      ctx.redirect(deps.paths.to('/account/security/setup/sms'));
    },
  },
};
