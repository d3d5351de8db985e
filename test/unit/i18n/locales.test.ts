import { localeOfAcceptLanguage, localeOfTag, localeOfUiLocales } from '../../../src/i18n/locales.ts';
import { safeReturnPath } from '../../../src/i18n/language-switch.ts';
import { tag, th } from '../../../src/i18n/html.ts';
import { tCount, translate } from '../../../src/i18n/translate.ts';

describe('choosing a language', () => {
  test.each([
    ['fr', 'fr-CA'], ['fr-CA', 'fr-CA'], ['FR-ca', 'fr-CA'], ['fr-FR', 'fr-CA'], ['fr-BE', 'fr-CA'],
    ['en', 'en'], ['en-GB', 'en'], ['EN-us', 'en'], ['de', undefined], ['frr', undefined], ['', undefined],
  ])('language tag %j → %j', (tag, locale) => {
    expect(localeOfTag(tag)).toBe(locale);
  });

  test.each([
    ['fr-CA en', 'fr-CA'], ['de fr', 'fr-CA'], ['en fr-CA', 'en'], ['de it', undefined], ['', undefined], [42, undefined], [undefined, undefined],
  ])('ui_locales %j (OpenID Connect Core §3.1.2.1, in order of preference) → %j', (value, locale) => {
    expect(localeOfUiLocales(value)).toBe(locale);
  });

  test.each([
    ['fr-FR,fr;q=0.9,en;q=0.8', 'fr-CA'],
    ['en-US,en;q=0.9,fr;q=0.8', 'en'],
    ['de-DE, fr;q=0.5, en;q=0.3', 'fr-CA'],
    ['en;q=0.2, fr-CA;q=0.7', 'fr-CA'],
    ['fr;q=0, en', 'en'],
    ['fr;q=0', undefined],
    ['*', 'en'],
    ['de, *;q=0.1', 'en'],
    ['fr;q=abc, en;q=0.5', 'en'],
    ['fr;q=1.5', undefined],
    ['', undefined],
    [undefined, undefined],
    ['es', undefined],
  ])('Accept-Language %j (RFC 9110 §12.5.4, q-values) → %j', (header, locale) => {
    expect(localeOfAcceptLanguage(header)).toBe(locale);
  });

  test('an absurdly long Accept-Language is not read at all', () => {
    expect(localeOfAcceptLanguage(`${'x-'.repeat(600)},fr`)).toBeUndefined();
  });
});

describe("the switcher's return path", () => {
  test.each([
    ['/interaction/abc', '/interaction/abc'],
    ['/account/security', '/account/security'],
    ['/auth?client_id=app&scope=openid%20email', '/auth?client_id=app&scope=openid%20email'],
    ['/', '/'],
  ])('our own path %j is kept', (input, kept) => {
    expect(safeReturnPath(input)).toBe(kept);
  });

  test.each([
    '//evil.example', '/\\evil.example', '/%2F/evil.example', '%2F%2Fevil.example', 'https://evil.example/', 'javascript:alert(1)',
    'evil', '/a\r\nLocation: x', '/a#fragment', '/%E0%A4%A', '', undefined, ['/a', '/b'], `/${'a'.repeat(1001)}`,
  ])('%j goes to the Security page instead', (input) => {
    expect(safeReturnPath(input)).toBe('/account/security');
  });
});

describe('wording with markup and counts', () => {
  test("th escapes the catalogue's text and every plain value; only tag() builds markup, itself escaped", () => {
    const html = th('signIn.lead', { client: tag('strong', {}, '<script>x</script> & "co"') });
    expect(html).toBe('to continue to <strong>&lt;script&gt;x&lt;/script&gt; &amp; &quot;co&quot;</strong>');
    expect(th('signIn.lead', { client: '<b>plain</b>' })).toBe('to continue to &lt;b&gt;plain&lt;/b&gt;');
    expect(tag('a', { href: 'x" onclick="y', hidden: true, gone: undefined }, 'go').html).toBe('<a href="x&quot; onclick=&quot;y" hidden>go</a>');
  });

  test('counts follow each language’s plural rules (French puts 0 and 1 together)', () => {
    expect(tCount('time.seconds', 1, 'en')).toBe('1 second');
    expect(tCount('time.seconds', 0, 'en')).toBe('0 seconds');
    expect(tCount('time.minutes', 1, 'fr-CA')).toBe('1 minute');
    expect(tCount('time.minutes', 0, 'fr-CA')).toBe('0 minute');
    expect(tCount('time.hours', 2, 'fr-CA')).toBe('2 heures');
  });

  test('placeholders are filled; an unknown one is left visible, an unknown key comes back as itself', () => {
    expect(translate('fr-CA', 'ways.backToApp', { app: 'Acme' })).toBe('Retour à Acme');
    expect(translate('en', 'ways.backToApp')).toBe('Back to {app}');
    expect(translate('en', 'no.such.key')).toBe('no.such.key');
  });
});
