import { errors, type Configuration } from 'oidc-provider';

const BOOLEAN_PROPERTIES = ['first_party', 'require_mfa', 'allow_trusted_device', 'accept_mfa_set_up_at_sign_in', 'require_phishing_resistant'] as const;

/**
 * Our per-client settings, carried as extra client metadata so they live with the client's
 * registration. `first_party`: the operator's own app; consent is not asked.
 * `require_mfa`: every sign-in to this app needs a second factor (enrolment if there is none).
 * `allow_trusted_device` (default true): false for a high-risk app that must not accept a
 * remembered device in place of a second factor.
 * `accept_mfa_set_up_at_sign_in` (default true): whether a second factor set up during the sign-in
 * itself (on the strength of the password alone; acr `urn:oidc-mfa:mfa:set-up-at-sign-in`)
 * satisfies `require_mfa` and acr_values asking for MFA. False: such an account sets a factor up on
 * the Security page first, and a session made that way proves its factor again for this app.
 * `require_phishing_resistant`: every sign-in to this app ends with a passkey (acr `phr`, EAP
 * ACR Values 1.0), as if it sent `acr_values=phr` each time.
 */
export const extraClientMetadata: NonNullable<Configuration['extraClientMetadata']> = {
  properties: [...BOOLEAN_PROPERTIES],
  validator(_ctx, key, value) {
    if (value !== undefined && typeof value !== 'boolean') {
      throw new errors.InvalidClientMetadata(`${key} must be true or false`);
    }
  },
};

export function requiresMfa(client: { [key: string]: unknown }): boolean {
  return client.require_mfa === true;
}

export function isFirstParty(client: { [key: string]: unknown }): boolean {
  return client.first_party === true;
}

export function allowsTrustedDevices(client: { [key: string]: unknown }): boolean {
  return client.allow_trusted_device !== false;
}

export function acceptsMfaSetUpAtSignIn(client: { [key: string]: unknown }): boolean {
  return client.accept_mfa_set_up_at_sign_in !== false;
}

export function requiresPhishingResistance(client: { [key: string]: unknown }): boolean {
  return client.require_phishing_resistant === true;
}
