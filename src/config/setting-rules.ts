import { X509Certificate } from 'node:crypto';
import * as v from 'valibot';
import { contrastRatio, HEX_COLOUR, MIN_TEXT_CONTRAST } from './contrast.ts';

/**
 * The building blocks every setting is made of, each carrying its own message: a setting that
 * breaks one is reported as "<path> <message> (got <value>)" by describe-problem.ts.
 */

/** A whole number in [min, max]; `fallback` when left out. */
export function integer(min: number, max: number, fallback: number) {
  const message = `must be an integer from ${min} to ${max}`;
  return v.optional(v.pipe(v.number(message), v.integer(message), v.minValue(min, message), v.maxValue(max, message)), fallback);
}

export function boolean(fallback: boolean) {
  return v.optional(v.boolean('must be true or false'), fallback);
}

const NON_EMPTY = 'must be a non-empty string';

export function text(fallback: string) {
  return v.optional(v.pipe(v.string(NON_EMPTY), v.minLength(1, NON_EMPTY)), fallback);
}

/** A string that may be left out or null (null when it is). */
export function optionalText() {
  return v.nullish(v.pipe(v.string(NON_EMPTY), v.minLength(1, NON_EMPTY)), null);
}

/** One of `options`; the message lists them. */
export function oneOf<const T extends readonly [string, ...string[]]>(options: T, fallback: T[number]) {
  const listed = options.map((o) => `"${o}"`);
  const message = `must be ${listed.slice(0, -1).join(', ')} or ${listed.at(-1)}`;
  return v.optional(v.picklist(options, message), fallback);
}

function parsesAsUrl(value: string): URL | null {
  try {
    return new URL(value);
  } catch {
    return null;
  }
}

const HTTP_URL = 'must be an http(s) URL';

const DOMAIN_NAME = 'must be a lower-case domain name such as example.com (no scheme, port or path)';

/** A lower-case DNS name (RFC 1035 §2.3.4: labels of at most 63 letters, digits and inner hyphens; 253 in all). */
export const domainName = v.pipe(
  v.string(DOMAIN_NAME),
  v.maxLength(253, DOMAIN_NAME),
  v.regex(/^(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))*$/, DOMAIN_NAME),
);

/**
 * Why `rpId` cannot be the passkey RP ID of `issuer`, or null when it can: WebAuthn L3 §5.1.1
 * wants the origin's host itself or a parent domain of it (a browser refuses anything else), and
 * browsers refuse an IP address. A public suffix (co.uk) is also refused by browsers; telling one
 * needs the Public Suffix List, so here a parent must at least have two labels.
 */
export function passkeyRpIdProblem(issuer: string, rpId: string): string | null {
  const host = new URL(issuer).hostname;
  if (rpId === host) return null;
  if (!host.endsWith(`.${rpId}`)) return `must be the issuer's host name (${host}) or a parent domain of it (WebAuthn L3 §5.1.1)`;
  if (!rpId.includes('.')) return 'must not be a top-level domain: browsers refuse a public suffix as RP ID';
  return null;
}

/** An absolute http(s) URL, e.g. a support page. */
export const httpUrl = v.pipe(v.string(HTTP_URL), v.check((value) => /^https?:$/.test(parsesAsUrl(value)?.protocol ?? ''), HTTP_URL));

/**
 * The issuer identifier: an absolute http(s) URL with no query or fragment
 * (OpenID Connect Discovery 1.0 §2; RFC 8414 §2).
 */
export const issuerUrl = v.pipe(
  v.string('must be an absolute URL'),
  // Each check parses again and passes what it cannot parse: with every problem collected
  // (abortEarly: false) all of them run, and only the first should speak for a non-URL.
  v.check((value) => parsesAsUrl(value) !== null, 'must be an absolute URL'),
  v.check((value) => /^https?:$/.test(parsesAsUrl(value)?.protocol ?? 'http:'), HTTP_URL),
  v.check((value) => !parsesAsUrl(value)?.search && !parsesAsUrl(value)?.hash, 'must not have a query or fragment (OpenID Connect Discovery 1.0 §2)'),
);

/** ISO 3166-1 alpha-2 country codes, upper case. */
export const COUNTRY_CODE = /^[A-Z]{2}$/;

const COLOUR = 'must be a colour written #rrggbb';

/**
 * A brand colour for links, buttons and the focus ring on white: it must reach 4.5:1 against
 * white (WCAG 2.1 1.4.3), which also keeps white text on a button of that colour readable.
 */
export const accentColour = v.pipe(
  v.string(COLOUR),
  v.regex(HEX_COLOUR, COLOUR),
  v.check((value) => contrastRatio(value, '#ffffff') >= MIN_TEXT_CONTRAST,
    (issue) => `must have a contrast of at least ${MIN_TEXT_CONTRAST}:1 against white for text and buttons (WCAG 2.1 1.4.3); ${String(issue.input)} has ${contrastRatio(String(issue.input), '#ffffff').toFixed(2)}:1 — choose a darker shade`),
);

/** A short name people see (a product name, an authenticator label): one line, at most 64 characters. */
export function shortName() {
  const message = 'must be a name of 1 to 64 characters on one line';
  return v.nullish(v.pipe(v.string(message), v.trim(), v.minLength(1, message), v.maxLength(64, message), v.regex(/^[^\r\n\t]*$/, message)), null);
}

/** PEM blocks in a bundle (a file of several "-----BEGIN CERTIFICATE-----" blocks). */
export function pemBlocksOf(bundle: string): string[] {
  return bundle.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
}

/** Why this PEM cannot be a passkey attestation trust anchor, or null when it can (a parseable CA certificate). */
export function trustAnchorProblem(pem: string): string | null {
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(pem);
  } catch {
    return 'must be a PEM certificate (-----BEGIN CERTIFICATE-----)';
  }
  return certificate.ca ? null : 'must be a CA certificate (basicConstraints CA:TRUE): an attestation root, not a device certificate';
}

/** PEM attestation roots (WebAuthn L3 §13.4.3), each a CA certificate. */
export const trustAnchors = v.pipe(
  v.array(v.string('must be a PEM certificate (-----BEGIN CERTIFICATE-----)'), 'must be a list of PEM certificates'),
  v.rawCheck(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    dataset.value.forEach((pem, index) => {
      const problem = trustAnchorProblem(pem);
      if (problem) addIssue({ message: problem, path: [{ type: 'array', origin: 'value', input: dataset.value, key: index, value: pem }] });
    });
  }),
);
