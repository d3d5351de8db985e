import { StoreUnavailableError } from './store.ts';

/** The store's answer, or StoreUnavailableError once `ms` have passed without one. */
export async function withinDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new StoreUnavailableError(new Error(`the store did not answer within ${ms} ms`))), ms);
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The same object with a deadline on every method. A store that stalls without closing its
 * connection (a frozen Redis, a network path that drops packets) would otherwise hold every
 * request open until the browser gives up; past the deadline the call fails as "store
 * unavailable" and the page answers 503 (OWASP ASVS 5.0 V16, errors handled; fail closed).
 * The late answer, if it comes, is ignored.
 */
export function withDeadline<T extends object>(target: T, ms: number): T {
  const wrapped: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(target)) {
    wrapped[name] = typeof value !== 'function' ? value
      : (...args: unknown[]) => withinDeadline(Promise.resolve((value as (...args: unknown[]) => Promise<unknown>).apply(target, args)), ms);
  }
  return wrapped as T;
}
