import * as v from 'valibot';
import { describeProblem, dottedPath } from './describe-problem.ts';
import { MfaOptionsError } from './mfa-options-error.ts';
import { BODY_LIMIT_BYTES, LOGIN_LIMITS, MFA_SETTINGS, SMS_LIMITS } from './settings-schema.ts';
import { httpUrl, issuerUrl, passkeyRpIdProblem } from './setting-rules.ts';
import { PURPOSE_SECRETS } from './purpose-secrets.ts';

/**
 * The plain-data part of createMfa()'s options; the collaborators (directory, stores, sender,
 * logger, clock, renderer) are the host's objects and are checked by TypeScript, not here.
 */
const PLUGIN_OPTIONS = v.pipe(v.object({
  issuer: issuerUrl,
  sealingKeys: v.pipe(
    v.array(v.object({
      id: v.pipe(v.string('needs an id'), v.regex(/^[\w.-]{1,64}$/, 'needs an id of letters, digits and ._- (at most 64)')),
      key: v.custom<Buffer>((key) => Buffer.isBuffer(key) && key.length === 32, 'must be a Buffer of exactly 32 bytes (AES-256)'),
    }, 'must be {id, key}'), 'must be a list of {id, key}'),
    v.minLength(1, 'must hold at least one key'),
  ),
  secrets: PURPOSE_SECRETS,
  settings: v.optional(MFA_SETTINGS, {}),
  sms: v.optional(v.object({ limits: v.optional(SMS_LIMITS, {}) }, 'must be an object')),
  login: v.optional(LOGIN_LIMITS, {}),
  bodyLimitBytes: BODY_LIMIT_BYTES,
  passwordPage: v.optional(v.picklist(['plugin', 'host'], 'must be plugin or host'), 'plugin'),
  // The hooks are the host's functions: only their kind is checked here.
  onAuditEvent: v.optional(v.custom<(...args: unknown[]) => unknown>((f) => typeof f === 'function', 'must be a function')),
  onSecurityNotice: v.optional(v.custom<(...args: unknown[]) => unknown>((f) => typeof f === 'function', 'must be a function (notice) => Promise<void>')),
  forgotPasswordUrl: v.optional(v.union([
    v.pipe(v.string(), v.regex(/^\/(?![/\\])/)),
    httpUrl,
  ], 'must be a path of this site (/…) or an http(s) URL')),
  securityHeaders: v.optional(v.picklist(['plugin-pages', 'everywhere'], 'must be plugin-pages or everywhere'), 'plugin-pages'),
}), v.rawCheck(({ dataset, addIssue }) => {
  if (!dataset.typed || dataset.value.settings.passkeyRpId === null) return;
  const problem = passkeyRpIdProblem(dataset.value.issuer, dataset.value.settings.passkeyRpId);
  const { settings } = dataset.value;
  if (problem) {
    addIssue({ message: problem, path: [
      { type: 'object', origin: 'value', input: dataset.value, key: 'settings', value: settings },
      { type: 'object', origin: 'value', input: settings, key: 'passkeyRpId', value: settings.passkeyRpId },
    ] });
  }
}));

export type ParsedPluginOptions = v.InferOutput<typeof PLUGIN_OPTIONS>;

/** A host's options with every default filled in, or an MfaOptionsError naming the first bad one. */
export function parsePluginOptions(options: unknown): ParsedPluginOptions {
  const result = v.safeParse(PLUGIN_OPTIONS, options, { abortEarly: true });
  if (result.success) return result.output;
  const { path, problem } = describeProblem(result.issues);
  throw new MfaOptionsError(path.length ? dottedPath(path) : 'options', problem);
}
