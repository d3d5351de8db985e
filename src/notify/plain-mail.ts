import type { MailMessage } from '../mail/mail-sender.ts';

/** A paragraph of a mail: text, or text with the link it leads to (shown in full in the text part). */
export type MailParagraph = string | { text: string; href: string };

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char]!);
}

/**
 * One mail in both parts from the same paragraphs, so they never say different things. Every
 * value is escaped in the HTML part: an account name or a browser label is never markup.
 */
export function plainMail(to: string, subject: string, paragraphs: readonly MailParagraph[]): MailMessage {
  const text = paragraphs.map((p) => (typeof p === 'string' ? p : `${p.text}\n${p.href}`)).join('\n\n');
  const html = paragraphs.map((p) => (typeof p === 'string'
    ? `<p>${escapeHtml(p)}</p>`
    : `<p>${escapeHtml(p.text)}<br><a href="${escapeHtml(p.href)}">${escapeHtml(p.href)}</a></p>`)).join('\n');
  return { to, subject, text: `${text}\n`, html: `<!doctype html><html><body>\n${html}\n</body></html>\n` };
}
