import { StoreUnavailableError } from './store.ts';

/**
 * True when the store did not answer: a StoreUnavailableError, or an error wrapping one
 * (oidc-provider may wrap what its adapter threw, so the cause chain is followed). Each store
 * turns its own driver's failures into StoreUnavailableError at its boundary (redis-errors.ts,
 * sqlite-errors.ts), so nothing above the store needs to know a driver's error shapes.
 */
export function isStoreUnavailable(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 5; depth += 1) {
    if (current instanceof StoreUnavailableError) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/**
 * A store's boundary: the same object with every method's failures passed through `translate`,
 * which turns the driver's "could not answer" errors into StoreUnavailableError and lets every
 * other error (a bug, a constraint) through untouched, so it is still a 500 and logged as one.
 */
export function withStoreErrors<T extends object>(target: T, translate: (error: unknown) => unknown): T {
  const wrapped: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(target)) {
    wrapped[name] = typeof value !== 'function' ? value : async (...args: unknown[]) => {
      try {
        return await (value as (...args: unknown[]) => Promise<unknown>).apply(target, args);
      } catch (error) {
        throw translate(error);
      }
    };
  }
  return wrapped as T;
}
