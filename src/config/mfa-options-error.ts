/** Thrown by createMfa() when a host passes a bad option; names the option's path and what is wrong. */
export class MfaOptionsError extends Error {
  /** e.g. "settings.lockAfterFailures" */
  readonly path: string;

  constructor(path: string, problem: string) {
    super(`createMfa: ${path} ${problem}`);
    this.name = 'MfaOptionsError';
    this.path = path;
  }
}
