import type Provider from 'oidc-provider';

/**
 * An interaction as oidc-provider's `interactionDetails` hands it over. A leaf of its own, so a
 * module that only reads one (finished-sign-in.ts) need not import the pages' I/O that uses it.
 */
export type InteractionDetails = Awaited<ReturnType<Provider['interactionDetails']>>;
