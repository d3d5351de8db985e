import { fileURLToPath } from 'node:url';
import { AMR } from '../../oidc/acr.ts';
import type { Factor } from '../factor.ts';
import { t } from '../../i18n/translate.ts';
import { showBackupCodeForm, submitBackupCode, type BackupCodeStepDeps } from './challenge-step.ts';
import { addBackupCodeRoutes, type BackupCodeSetupDeps } from './setup-routes.ts';

/** The one rotating backup code (NIST SP 800-63B §5.1.2, a look-up secret): a fallback, never a method of its own. */
export const backupCodeFactor: Factor<BackupCodeStepDeps, BackupCodeSetupDeps> = {
  id: 'backup-code',
  get name() { return t('factor.backupCode.name'); },
  get codesName() { return t('factor.backupCode.codesName'); },
  amr: AMR.backupCode,
  role: 'fallback',
  viewsDir: fileURLToPath(new URL('./views/', import.meta.url)),
  has: (status) => status.backupCode !== null,
  addChallengeRoutes(routes, deps) {
    routes.get('backup-code', (ctx, details, subject) => showBackupCodeForm(ctx, deps, details, subject));
    routes.post('backup-code', (ctx, details, subject, form) => submitBackupCode(ctx, deps, details, subject, form));
  },
  addSetupRoutes: addBackupCodeRoutes,
};
