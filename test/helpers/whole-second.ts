/**
 * oidc-provider stamps sessions in whole seconds of the system clock, which no fake clock
 * reaches, and "end every session" ends everything up to the end of the current second. A
 * sign-in meant to come *after* such a change waits for the next second (under 1 s).
 */
export function nextWholeSecond(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 1001 - (Date.now() % 1000)));
}
