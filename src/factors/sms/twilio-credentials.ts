/**
 * What a Twilio sender needs. A leaf without the SDK's types, so that a host type-checking
 * against the package's declarations never loads twilio's own (which need @types it does not ship).
 */
export interface TwilioCredentials {
  accountSid: string;
  authToken: string;
  /**
   * The SDK's HTTP client (tests pass one that talks to a local fake). The SDK only applies
   * `timeout` when it builds its own client (BaseTwilio's httpClient getter), so one passed in
   * must carry its own timeout.
   */
  httpClient?: unknown;
}
