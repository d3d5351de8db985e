/**
 * One catalogue per language (src/i18n/messages/): the compiler already refuses a French
 * catalogue that lacks or adds a key; these catch what it cannot — an empty or half-translated
 * entry, a key no page or code uses any more, a t('…') in a template (which the compiler never
 * sees) naming a key that does not exist, and English written straight into a template.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ERRORS } from '../../../src/errors.ts';
import { en } from '../../../src/i18n/messages/en.ts';
import { frCA } from '../../../src/i18n/messages/fr-CA.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CATALOGUE_DIR = path.join(ROOT, 'src/i18n/messages');

function filesUnder(dir: string, extensions: string[]): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && extensions.some((extension) => entry.name.endsWith(extension)))
    .map((entry) => path.join(entry.parentPath, entry.name))
    .filter((file) => !file.startsWith(CATALOGUE_DIR));
}

const SOURCES = [...filesUnder(path.join(ROOT, 'src'), ['.ts', '.pug']), ...filesUnder(path.join(ROOT, 'views'), ['.pug'])];
const TEXT = new Map(SOURCES.map((file) => [file, readFileSync(file, 'utf8')]));
const ALL_TEXT = [...TEXT.values()].join('\n');
const TEMPLATES = [...TEXT.keys()].filter((file) => file.endsWith('.pug'));

const KEYS = Object.keys(en) as (keyof typeof en)[];
const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();

/**
 * Keys used only through a template literal: error wording by stable code (errors.ts,
 * error-titles.ts: `errors.${code}.…`), oidc-provider's errors by kind, and plural forms
 * (tCount(base, n) picks `.one` or `.other`). Each is "used" only when what it is built from is.
 */
function usedDynamically(key: string): boolean {
  const error = /^errors\.([A-Z_]+)\.(title|message)$/.exec(key);
  if (error) return Object.hasOwn(ERRORS, error[1]!);
  const provider = /^providerErrors\.(\w+)\.(title|message)$/.exec(key);
  if (provider) return TEXT.get(path.join(ROOT, 'src/http/provider-error-wording.ts'))!.includes(`'${provider[1]}'`);
  const plural = /^(.+)\.(one|other)$/.exec(key);
  if (plural) return ALL_TEXT.includes(`'${plural[1]}'`);
  return false;
}

describe('the message catalogues', () => {
  test('French gives every key a non-empty text with the same {placeholders} as English', () => {
    const problems = KEYS.flatMap((key) => {
      const french = frCA[key];
      if (typeof french !== 'string' || french.trim() === '') return [`${key}: empty`];
      if (placeholders(french).join() !== placeholders(en[key]).join()) return [`${key}: placeholders ${placeholders(french)} ≠ ${placeholders(en[key])}`];
      return [];
    });
    expect(problems).toEqual([]);
    expect(Object.keys(frCA).sort()).toEqual([...KEYS].sort());
  });

  test('no English sentence left untranslated in French (the same long text in both)', () => {
    const same = KEYS.filter((key) => en[key].split(' ').length > 2 && frCA[key] === en[key]);
    expect(same).toEqual([]);
  });

  test('every key is used by some source file or template', () => {
    const unused = KEYS.filter((key) => !ALL_TEXT.includes(`'${key}'`) && !usedDynamically(key));
    expect(unused).toEqual([]);
  });

  test("every t('…'), th('…') and tCount('…') in the sources names a key that exists", () => {
    const calls = [...TEXT.entries()].flatMap(([file, text]) =>
      [...text.matchAll(/\b(t|th|tCount|translate\([^,]+,)\(?\s*['"]([^'"]+)['"]/g)].map((match) => ({ file: path.relative(ROOT, file), call: match[1]!, key: match[2]! })));
    expect(calls.length).toBeGreaterThan(150);
    const missing = calls.filter(({ call, key }) => (call === 'tCount' ? !Object.hasOwn(en, `${key}.one`) || !Object.hasOwn(en, `${key}.other`) : !Object.hasOwn(en, key)));
    expect(missing).toEqual([]);
  });

  test('the templates hold no words of their own: every text comes from t() or th(), or from data', () => {
    const offending = TEMPLATES.flatMap((file) =>
      TEXT.get(file)!.split('\n').flatMap((line, index) => {
        const code = line.replace(/^\s+/, '');
        if (code.startsWith('//') || code.startsWith('-') || /^(extends|include|block|mixin|\+|each|if |else|doctype)/.test(code)) return [];
        // `| text`, or a tag followed by plain text (`p Hello`, `a(href=x) Hello`), not `p= expr` / `p!= expr`.
        const plain = /^\|\s*[A-Za-z]/.test(code) || /^[a-z][\w.#-]*(\(.*\))?\s+[A-Za-z]/.test(code.replace(/^([a-z][\w.#-]*)\((?:[^()]|\([^()]*\))*\)/, '$1()'));
        return plain ? [`${path.relative(ROOT, file)}:${index + 1}: ${code}`] : [];
      }));
    // The demo app is the relying app's side of the demo, not ours to translate.
    expect(offending.filter((line) => !line.startsWith('views/demo.pug'))).toEqual([]);
  });
});
