/**
 * The English wording of every page, text message and notice: the reference catalogue. Keys are
 * flat and dotted (`area.thing`); `{name}` is a placeholder filled by t(key, { name }). A key
 * ending in `.one` / `.other` is a plural pair chosen by Intl.PluralRules (tCount). fr-CA.ts must
 * give every key (the compiler checks it) and test/unit/i18n/catalogue.test.ts checks that each
 * key is used somewhere and that every t('…') names a key that exists.
 */
import { enErrors } from './en/errors.ts';
import { enPages } from './en/pages.ts';
import { enSteps } from './en/steps.ts';

/** In three parts (en/), each under 300 lines: error wording, the steps' own words, the pages and mails. */
export const en = { ...enErrors, ...enSteps, ...enPages } as const;

export type MessageKey = keyof typeof en;
