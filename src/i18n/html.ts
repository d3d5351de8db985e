import { translate } from './translate.ts';
import { currentLocale } from './request-language.ts';

/**
 * Sentences with markup inside ("to continue to <strong>Acme</strong>"): the catalogue keeps the
 * sentence whole, so a translator can move the app's name where French wants it, and the markup
 * is a placeholder filled with an element built here. Everything is escaped — the catalogue's
 * text and every plain value — except the elements `tag` built, whose own text and attributes it
 * escaped. Templates print the result unescaped (`!= th(…)`), and nothing a person typed or an app
 * registered can become markup.
 */
export class SafeHtml {
  readonly html: string;
  constructor(html: string) {
    this.html = html;
  }
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

/** An element with escaped text and attributes: `tag('strong', {}, name)`, `tag('a', { href }, text)`. */
export function tag(name: 'strong' | 'a' | 'code' | 'time' | 'span', attributes: Readonly<Record<string, string | number | boolean | undefined>>, text: string | number): SafeHtml {
  const attrs = Object.entries(attributes)
    .filter(([, value]) => value !== undefined && value !== false)
    .map(([key, value]) => {
      const attribute = key.replace(/[^a-z-]/g, '');
      // `true`: a boolean attribute, written bare as pug writes it (`data-local-time`).
      return value === true ? ` ${attribute}` : ` ${attribute}="${escapeHtml(String(value))}"`;
    })
    .join('');
  return new SafeHtml(`<${name}${attrs}>${escapeHtml(String(text))}</${name}>`);
}

/** `key` in the request's language as HTML: its text escaped, `{name}` filled with an element from `tag` or an escaped value. */
export function th(key: string, params: Readonly<Record<string, string | number | SafeHtml>> = {}): string {
  const text = translate(currentLocale(), key);
  return text
    .split(/(\{\w+\})/)
    .map((part) => {
      const name = /^\{(\w+)\}$/.exec(part)?.[1];
      if (name === undefined || !Object.hasOwn(params, name)) return escapeHtml(part);
      const value = params[name]!;
      return value instanceof SafeHtml ? value.html : escapeHtml(String(value));
    })
    .join('');
}

