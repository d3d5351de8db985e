import type { MessageKey } from './en.ts';
import { frCAErrors } from './fr-CA/errors.ts';
import { frCAPages } from './fr-CA/pages.ts';
import { frCASteps } from './fr-CA/steps.ts';

/**
 * Canadian French: every key of en.ts, and no other (the type makes a missing or extra key a
 * compile error). Written for people in Canada: « vous », « courriel », « code de vérification »,
 * « application d'authentification », « clé d'accès » for a passkey. Typography as the Office
 * québécois de la langue française recommends: a no-break space (written \u00a0) before « : » and
 * inside « guillemets », none before « ; ? ! »; the typographic apostrophe (’).
 */
export const frCA: Record<MessageKey, string> = { ...frCAErrors, ...frCASteps, ...frCAPages };
