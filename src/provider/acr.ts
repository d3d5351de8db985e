/**
 * Authentication Context Class References we issue (OpenID Connect Core §2, `acr`), and the
 * RFC 8176 Authentication Method Reference values (`amr`) that go with them.
 * Each value names what actually happened in this authentication, nothing more.
 */
export const ACR = {
  /** Something you know: the password alone. */
  password: 'urn:oidc-mfa:password',
} as const;

/** RFC 8176 §2: "pwd" — password-based authentication. */
export const AMR_PASSWORD = ['pwd'] as const;

/** Advertised in discovery (`acr_values_supported`); oidc-provider adds `acr` to ID tokens only when non-empty. */
export const ACR_VALUES_SUPPORTED = [ACR.password];
