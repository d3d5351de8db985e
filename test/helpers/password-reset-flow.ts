import type { CaughtMail } from './smtp-catcher.ts';
import { hiddenField, HttpSession, type HttpResponse } from './http-session.ts';

/** "Forgot password?" → the address → the answer page (after its redirect). */
export async function askForResetLink(browser: HttpSession, issuer: string, email: string): Promise<{ posted: HttpResponse; page: HttpResponse }> {
  const form = await browser.get(`${issuer}/account/password/forgot`);
  const posted = await browser.postForm(`${issuer}/account/password/forgot`, { csrf: hiddenField(form.text, 'csrf'), email });
  return { posted, page: await browser.follow(posted, issuer) };
}

/** The reset link in a mail's text part. */
export function resetLinkIn(mail: CaughtMail): string {
  const link = /(http\S+\/account\/password\/reset\?token=[\w-]+)/.exec(mail.text)?.[1];
  if (!link) throw new Error(`no reset link in the mail:\n${mail.text}`);
  return link;
}

/** Opens the link and sends a new password (twice, or `confirm`); answers the POST and the page it leads to. */
export async function resetPassword(browser: HttpSession, issuer: string, link: string, password: string, confirm = password): Promise<{ form: HttpResponse; posted?: HttpResponse; page: HttpResponse }> {
  const form = await browser.get(link);
  if (form.status !== 200) return { form, page: form };
  const posted = await browser.postForm(`${issuer}/account/password/reset`, {
    csrf: hiddenField(form.text, 'csrf'), token: hiddenField(form.text, 'token'), password, confirm,
  });
  return { form, posted, page: await browser.follow(posted, issuer) };
}
