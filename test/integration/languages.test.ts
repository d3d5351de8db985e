/**
 * The pages in English and Canadian French (issue 13 §6): chosen by the app's ui_locales (kept for
 * the whole sign-in), then the switcher's cookie, then Accept-Language; English by default.
 */
import { ABUSE_PASSWORD, abuseConfig, atLoginPage, smsAccount, STEP_MS, THIRD_PARTY_SECRET, totpAccount, trustABrowser, type AbuseWorld } from '../helpers/abuse-accounts.ts';
import { formAction, hiddenField, HttpSession, type HttpResponse } from '../helpers/http-session.ts';
import { useIdpWorld } from '../helpers/idp-world.ts';
import { codeFor, submitCode } from '../helpers/mfa-flow.ts';
import { buildAuthorization, discoverClient, isCallback, openAuthorization, submitConsent, submitPassword } from '../helpers/oidc-flow.ts';
import { readOutbox } from '../helpers/sms-outbox.ts';
import { askForResetLink } from '../helpers/password-reset-flow.ts';
import { existsSync, readFileSync } from 'node:fs';
import { STORE_KINDS } from '../helpers/test-stores.ts';

const FRENCH = '<html lang="fr-CA">';
const ENGLISH = '<html lang="en">';

/** The switcher's link on a page, as the browser would follow it. */
function switcherHref(page: HttpResponse, issuer: string): string {
  const href = /<nav class="language"[^>]*><a href="([^"]+)"/.exec(page.text)?.[1];
  if (!href) throw new Error(`no language switcher on ${page.url}`);
  return new URL(href.replaceAll('&amp;', '&'), issuer).href;
}

async function startSignIn(world: AbuseWorld, clientId: string, extra: Record<string, string>, browser = new HttpSession()) {
  const client = await discoverClient(world.idp.issuer, clientId, clientId === 'third-party-app' ? THIRD_PARTY_SECRET : undefined);
  const page = await openAuthorization(browser, world.idp.issuer, await buildAuthorization(client, extra));
  return { browser, page };
}

/** The development mail outbox's mails to `to` that `pick` accepts, once at least one is there (mails go out after the answer). */
async function mailsTo(outbox: string, to: string, pick: (mail: { subject: string; text: string }) => boolean) {
  for (let tries = 0; tries < 100; tries += 1) {
    const found = existsSync(outbox)
      ? readFileSync(outbox, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as { to: string; subject: string; text: string }).filter((m) => m.to === to && pick(m))
      : [];
    if (found.length) return found;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`no such mail to ${to}`);
}

describe.each(STORE_KINDS)('languages on %s', (kind) => {
  const world = useIdpWorld(kind, { config: () => abuseConfig() });

  test('ui_locales=fr-CA: the whole sign-in in French — password, code (a wrong one too), consent — and back to the app', async () => {
    const person = await totpAccount(world, 'francais');
    const { issuer } = world.idp;
    const { browser, page: login } = await startSignIn(world, 'third-party-app', { ui_locales: 'fr-CA en' });
    expect(login.text).toContain(FRENCH);
    expect(login.text).toContain('<h1>Se connecter</h1>');
    expect(login.text).toContain('pour continuer vers <strong>Third Party App</strong>');
    expect(login.text).toContain('<label for="email">Courriel</label>');
    expect(login.text).toContain('Se connecter avec une clé d’accès');
    expect(login.text).toContain('hreflang="en">English</a>');

    const wrongPassword = await submitPassword(browser, issuer, login, person.email, 'not the password');
    expect(wrongPassword.text).toContain('Nous n’avons pas pu vous connecter avec ce courriel et ce mot de passe.');
    expect(wrongPassword.text).toContain('<title>Erreur\u00a0: Se connecter');

    const challenge = await submitPassword(browser, issuer, wrongPassword, person.email, ABUSE_PASSWORD);
    expect(challenge.text).toContain(FRENCH);
    expect(challenge.text).toContain('<h1>Entrez votre code</h1>');
    expect(challenge.text).toContain('application d’authentification');
    expect(challenge.text).toContain('Faire confiance à cet appareil pendant 30 jours');

    const wrongCode = await submitCode(browser, issuer, challenge, '000000');
    expect(wrongCode.status).toBe(400);
    expect(wrongCode.text).toContain('Ce code n’a pas fonctionné. Vérifiez-le et réessayez');
    expect(wrongCode.text).toContain('<h2>Il y a un problème</h2>');

    world.clock.advance(STEP_MS);
    const consent = await submitCode(browser, issuer, wrongCode, codeFor(person.key, world.clock));
    expect(consent.text).toContain(FRENCH);
    expect(consent.text).toContain('<h1>Autoriser l’accès?</h1>');
    expect(consent.text).toContain('<li>Savoir qui vous êtes lorsque vous vous connectez</li>');
    expect(consent.text).toContain('<li>Voir votre adresse courriel</li>');
    expect(consent.text).toContain('Connecté en tant que <strong>');
    expect(isCallback(await submitConsent(browser, issuer, consent))).toBe(true);
  });

  test('French error pages: an unknown app asked with ui_locales, and an expired sign-in under Accept-Language fr', async () => {
    const { issuer } = world.idp;
    const unknownApp = await new HttpSession().get(`${issuer}/auth?client_id=no-such-app&response_type=code&scope=openid&ui_locales=fr-CA`);
    expect(unknownApp.status).toBe(400);
    expect(unknownApp.text).toContain(FRENCH);
    expect(unknownApp.text).toContain('<h1>Cette application n’est pas inscrite ici</h1>');
    expect(unknownApp.text).toContain('Code d’erreur\u00a0: <code>invalid_client</code>');

    const expired = await new HttpSession({ 'accept-language': 'fr' }).get(`${issuer}/interaction/no-such-sign-in`);
    expect(expired.status).toBe(400);
    expect(expired.text).toContain('<h1>Cette connexion a expiré</h1>');
    expect(expired.text).toContain('Aller à la page de sécurité de votre compte');
    // The stable code does not change with the language.
    expect(expired.text).toContain('<code>INTERACTION_EXPIRED</code>');

    const json = await new HttpSession({ 'accept-language': 'fr-CA' }).request(`${issuer}/interaction/no-such-sign-in`, { headers: { accept: 'application/json' } });
    expect(JSON.parse(json.text)).toEqual({ error: 'INTERACTION_EXPIRED', error_description: expect.stringContaining('Cette connexion a expiré') });
  });

  test('Accept-Language: fr-FR gives French; a language we do not speak, or fr refused (q=0), gives English', async () => {
    const french = await atLoginPage(world, 'first-party-app', new HttpSession({ 'accept-language': 'fr-FR,fr;q=0.9,en;q=0.8' }));
    expect(french.page.text).toContain(FRENCH);
    expect(french.page.text).toContain('Mot de passe');
    for (const header of ['de-DE,en;q=0.5', 'fr;q=0, en', 'es', '']) {
      const english = await atLoginPage(world, 'first-party-app', new HttpSession(header ? { 'accept-language': header } : {}));
      expect(english.page.text).toContain(ENGLISH);
      expect(english.page.text).toContain('<h1>Sign in</h1>');
    }
  });

  test('the switcher changes the language and stays on the page; made during a sign-in it beats ui_locales, an older one does not', async () => {
    const { issuer } = world.idp;
    const { browser, page } = await startSignIn(world, 'first-party-app', { ui_locales: 'en' });
    expect(page.text).toContain(ENGLISH);
    const switched = await browser.get(switcherHref(page, issuer));
    expect(switched.status).toBe(303);
    expect(switched.location).toBe(page.url);
    const french = await browser.get(switched.location!);
    expect(french.text).toContain(FRENCH);
    expect(french.text).toContain('<h1>Se connecter</h1>');
    // And back again, from the French page's own link.
    const back = await browser.follow(await browser.get(switcherHref(french, issuer)), issuer);
    expect(back.url).toBe(page.url);
    expect(back.text).toContain('<h1>Sign in</h1>');

    // Chosen French, then an app asks for English in a new sign-in: the app's ui_locales comes first.
    await browser.get(`${issuer}/language?to=fr-CA&back=/account/security`);
    const newSignIn = await startSignIn(world, 'first-party-app', { ui_locales: 'en' }, browser);
    expect(newSignIn.page.text).toContain(ENGLISH);
    // Without ui_locales, the cookie speaks (over this browser's Accept-Language).
    const noPreference = await startSignIn(world, 'first-party-app', {}, new HttpSession({ 'accept-language': 'en' }));
    expect(noPreference.page.text).toContain(ENGLISH);
    const withCookie = await startSignIn(world, 'first-party-app', {}, browser);
    expect(withCookie.page.text).toContain(FRENCH);
  });

  test('two tabs of one browser: a switch made in one sign-in is that sign-in\'s; the other keeps its app\'s ui_locales to the end', async () => {
    const { issuer } = world.idp;
    const person = await totpAccount(world, 'deux-onglets');
    const tabA = await startSignIn(world, 'first-party-app', { ui_locales: 'en' });
    const tabB = await startSignIn(world, 'first-party-app', { ui_locales: 'en' }, tabA.browser);
    const switched = await tabA.browser.follow(await tabA.browser.get(switcherHref(tabA.page, issuer)), issuer);
    expect(switched.text).toContain(FRENCH);
    // Tab B, same cookie jar: its sign-in began with ui_locales=en and nobody switched on it.
    const b = await tabA.browser.get(tabB.page.url);
    expect(b.text).toContain(ENGLISH);
    const bCode = await submitPassword(tabA.browser, issuer, b, person.email, ABUSE_PASSWORD);
    expect(bCode.text).toContain('<h1>Enter your code</h1>');
    // Refresh and Back on tab A: still French, every page of that sign-in.
    const again = await tabA.browser.get(tabA.page.url);
    expect(again.text).toContain('<h1>Se connecter</h1>');
  });

  test('the switcher only returns to our own pages: other sites, scheme tricks and unknown languages change nothing else', async () => {
    const { issuer } = world.idp;
    const browser = new HttpSession();
    for (const back of ['//evil.example/x', 'https://evil.example/', '/\\evil.example', '/%2F%2Fevil.example', 'javascript:alert(1)', '/a\r\nSet-Cookie: x=y']) {
      const answer = await browser.get(`${issuer}/language?to=fr-CA&back=${encodeURIComponent(back)}`);
      expect(answer.status).toBe(303);
      expect(answer.location).toBe(`${issuer}/account/security`);
    }
    const before = [...browser.cookies.values()].map((cookie) => cookie.value);
    const unknown = await browser.get(`${issuer}/language?to=de&back=/account/security`);
    expect(unknown.status).toBe(303);
    expect([...browser.cookies.values()].map((cookie) => cookie.value)).toEqual(before);
    // Another site's Referer is not followed back either.
    const referred = await new HttpSession().get(`${issuer}/language?to=fr-CA`, { referer: 'https://evil.example/page' });
    expect(referred.location).toBe(`${issuer}/account/security`);
    // Our own page's Referer is (a page whose address the switcher does not repeat).
    const ownReferer = await new HttpSession().get(`${issuer}/language?to=fr-CA`, { referer: `${issuer}/auth?client_id=x` });
    expect(ownReferer.location).toBe(`${issuer}/auth?client_id=x`);
  });

  test('a text message code in French when the sign-in is French, in English otherwise; the WebOTP line unchanged', async () => {
    const person = await smsAccount(world, 'texto');
    const outbox = world.idp.config.sms.outboxFile!;
    const { browser, page } = await startSignIn(world, 'first-party-app', { ui_locales: 'fr-CA' });
    const challenge = await submitPassword(browser, world.idp.issuer, page, person.email, ABUSE_PASSWORD);
    expect(challenge.text).toContain(FRENCH);
    expect(challenge.text).toContain('Nous avons envoyé un code de vérification à 6 chiffres au');
    const message = readOutbox(outbox).filter((m) => m.to === person.phone).at(-1)!;
    expect(message.body).toMatch(/^\d{6} est votre code de vérification .+\. Il expire dans 10 minutes\. Ne le communiquez à personne\.\n\n@[^ ]+ #\d{6}$/);
    const code = /#(\d{6})$/.exec(message.body)![1]!;
    const done = await browser.follow(await browser.postForm(formAction(challenge.text, '/sms', world.idp.issuer), { csrf: hiddenField(challenge.text, 'csrf'), code }), world.idp.issuer);
    expect(isCallback(done)).toBe(true);

    world.clock.advance(31_000);
    const english = await startSignIn(world, 'first-party-app', {});
    await submitPassword(english.browser, world.idp.issuer, english.page, person.email, ABUSE_PASSWORD);
    expect(readOutbox(outbox).filter((m) => m.to === person.phone).at(-1)!.body).toMatch(/^\d{6} is your .+ code\./);
  });

  test('"Forgot password?" in French: the page, the answer, and the mail with the link, in the language of the page it was asked from', async () => {
    const person = await totpAccount(world, 'oubli');
    const browser = new HttpSession({ 'accept-language': 'fr-CA,fr;q=0.9' });
    const { page } = await atLoginPage(world, 'first-party-app', browser);
    expect(page.text).toContain('>Mot de passe oublié?</a>');
    const form = await browser.get(`${world.idp.issuer}/account/password/forgot`);
    expect(form.text).toContain('<h1>Vous avez oublié votre mot de passe?</h1>');
    const { page: sent } = await askForResetLink(browser, world.idp.issuer, person.email);
    expect(sent.text).toContain('<h1>Consultez vos courriels</h1>');
    // Only the reset link's mail (the notice of the app set up for this account may come after it).
    const mail = (await mailsTo(world.idp.config.mail.outboxFile!, person.email, (m) => m.text.includes('/account/password/reset?token='))).at(-1)!;
    expect(mail.subject).toMatch(/^Réinitialisez le mot de passe de votre compte /);
    expect(mail.text).toContain('Ce lien fonctionne une seule fois, pendant 30 minutes');
    expect(mail.text).toMatch(/\/account\/password\/reset\?token=[\w-]+/);
  });

  test('a security notice in the language of the sign-in that caused it: a device trusted during a French sign-in', async () => {
    const person = await totpAccount(world, 'avis');
    const { browser, page } = await startSignIn(world, 'first-party-app', { ui_locales: 'fr-CA' });
    const challenge = await submitPassword(browser, world.idp.issuer, page, person.email, ABUSE_PASSWORD);
    world.clock.advance(STEP_MS);
    expect(isCallback(await submitCode(browser, world.idp.issuer, challenge, codeFor(person.key, world.clock), { trust: '1' }))).toBe(true);
    const notice = (await mailsTo(world.idp.config.mail.outboxFile!, person.email, (m) => m.subject.startsWith('Un nouvel appareil'))).at(-1)!;
    expect(notice.subject).toMatch(/^Un nouvel appareil est de confiance sur votre compte /);
    expect(notice.text).toContain('«\u00a0Navigateur inconnu\u00a0» sautera l’étape du code à la connexion');
    expect(notice.text).toContain('Ce n’était pas vous?');
    expect(notice.text).toMatch(/Quand\u00a0: \d{4}-\d\d-\d\d \d\d:\d\d UTC/);
  });

  test('the Security page, its dates and its device labels follow the language too', async () => {
    const person = await totpAccount(world, 'securite');
    // A trusted browser whose User-Agent names no browser we know: stored as "Unknown browser".
    await trustABrowser(world, person);
    const browser = new HttpSession({ 'accept-language': 'fr-CA' });
    world.clock.advance(STEP_MS);
    let page = await browser.follow(await browser.get(`${world.idp.issuer}/account/security`), world.idp.issuer);
    page = await submitPassword(browser, world.idp.issuer, page, person.email, ABUSE_PASSWORD);
    page = await submitCode(browser, world.idp.issuer, page, codeFor(person.key, world.clock));
    expect(page.url).toBe(`${world.idp.issuer}/account/security`);
    expect(page.text).toContain(FRENCH);
    expect(page.text).toContain('<h1>Sécurité</h1>');
    expect(page.text).toContain('Application d’authentification');
    // « 3 décembre 2026 »: Intl's long date in French, never the ISO form the English page shows.
    expect(page.text).toMatch(/depuis le \d{1,2} [a-zéû]+\.? \d{4}/);
    const devices = await browser.get(`${world.idp.issuer}/account/security/devices`);
    expect(devices.text).toContain('<h1>Appareils de confiance</h1>');
    expect(devices.text).toContain('<strong>Navigateur inconnu</strong>');
    expect(devices.text).toMatch(/Première utilisation le \d{1,2} [a-zéû]+\.? \d{4}/);
    // The same device in English, as stored.
    const english = await browser.get(`${world.idp.issuer}/language?to=en&back=/account/security/devices`);
    expect((await browser.get(english.location!)).text).toContain('<strong>Unknown browser</strong>');
  });
});
