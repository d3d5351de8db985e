/**
 * A minimal browser for the load driver: a path-aware cookie jar over plain fetch with
 * manual redirects. One per flow, so every sign-in starts with no cookies.
 */
interface Cookie {
  value: string;
  path: string;
  expiresAt: number;
}

export interface Reply {
  status: number;
  url: string;
  /** Absolute, when the response had a Location header. */
  location?: string;
  text: string;
}

/** Thrown for any answer a flow did not expect; its message says which step and what came back. */
export class FlowError extends Error {
  constructor(step: string, reply: Reply | undefined, detail = '') {
    super(`${step}: ${reply ? `HTTP ${reply.status}` : 'no reply'}${detail ? ` (${detail})` : ''}`);
    this.name = 'FlowError';
  }
}

const isRedirect = (status: number) => status === 302 || status === 303;

/** A URL's path with ids (interaction uids, ...) blanked, so the same failure reads the same every time. */
export function pathOf(url: string): string {
  return new URL(url).pathname.replace(/[\w-]{16,}/g, ':id');
}

function pathMatches(requestPath: string, cookiePath: string): boolean {
  if (requestPath === cookiePath) return true;
  return requestPath.startsWith(cookiePath.endsWith('/') ? cookiePath : `${cookiePath}/`);
}

export class Browser {
  private readonly cookies = new Map<string, Cookie & { name: string }>();
  private readonly signal: AbortSignal;

  /** `signal` bounds every request of this browser (the flow's time limit). */
  constructor(signal: AbortSignal) {
    this.signal = signal;
  }

  private cookieHeader(url: URL): string {
    const now = Date.now();
    const pairs: string[] = [];
    for (const cookie of this.cookies.values()) {
      if (cookie.expiresAt > now && pathMatches(url.pathname, cookie.path)) pairs.push(`${cookie.name}=${cookie.value}`);
    }
    return pairs.join('; ');
  }

  private storeCookies(headers: Headers): void {
    for (const line of headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';').map((part) => part.trim());
      const eq = pair.indexOf('=');
      const cookie = { name: pair.slice(0, eq), value: pair.slice(eq + 1), path: '/', expiresAt: Number.POSITIVE_INFINITY };
      for (const attribute of attributes) {
        const [key = '', value = ''] = attribute.split('=');
        const lower = key.toLowerCase();
        if (lower === 'path') cookie.path = value;
        else if (lower === 'expires') cookie.expiresAt = Date.parse(value);
        else if (lower === 'max-age') cookie.expiresAt = Date.now() + Number(value) * 1000;
      }
      const key = `${cookie.name};${cookie.path}`;
      if (cookie.value === '' || cookie.expiresAt <= Date.now()) this.cookies.delete(key);
      else this.cookies.set(key, cookie);
    }
  }

  /** A cookie the browser already holds before its first request (e.g. a trusted-device token). */
  setCookie(name: string, value: string, path = '/'): void {
    this.cookies.set(`${name};${path}`, { name, value, path, expiresAt: Number.POSITIVE_INFINITY });
  }

  async request(url: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Reply> {
    const target = new URL(url);
    const headers = new Headers(init.headers);
    const cookie = this.cookieHeader(target);
    if (cookie) headers.set('cookie', cookie);
    const response = await fetch(target, { ...init, headers, redirect: 'manual', signal: this.signal });
    this.storeCookies(response.headers);
    const location = response.headers.get('location');
    return { status: response.status, url: target.href, location: location ? new URL(location, target).href : undefined, text: await response.text() };
  }

  get(url: string): Promise<Reply> {
    return this.request(url, { headers: { accept: 'text/html' } });
  }

  postForm(url: string, fields: Record<string, string>): Promise<Reply> {
    return this.request(url, {
      method: 'POST',
      headers: { accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded', origin: new URL(url).origin },
      body: new URLSearchParams(fields).toString(),
    });
  }

  /**
   * Follows 302/303 redirects while they stay on `origin`; returns the first reply that is not
   * one, or the redirect that leaves the origin (the callback to the relying app).
   */
  async follow(reply: Reply, origin: string, step: string, maxHops = 10): Promise<Reply> {
    let current = reply;
    for (let hop = 0; isRedirect(current.status) && current.location && new URL(current.location).origin === origin; hop += 1) {
      if (hop === maxHops) throw new FlowError(step, current, 'too many redirects');
      current = await this.get(current.location);
    }
    return current;
  }
}

const unescapeHtml = (text: string) => text.replaceAll('&amp;', '&').replaceAll('&quot;', '"');

export interface PageForm {
  /** Absolute URL the form posts to. */
  action: string;
  /** Its hidden inputs (e.g. csrf), posted back the way a browser would. */
  hidden: Record<string, string>;
}

/** The first form on the page whose action contains `fragment`. */
export function findForm(reply: Reply, fragment: string, step: string): PageForm {
  const forms = reply.text.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/g);
  for (const [, attributes = '', body = ''] of forms) {
    const action = /action="([^"]*)"/.exec(attributes)?.[1];
    if (!action || !unescapeHtml(action).includes(fragment)) continue;
    const hidden: Record<string, string> = {};
    for (const [input] of body.matchAll(/<input\b[^>]*type="hidden"[^>]*>/g)) {
      const name = /name="([^"]*)"/.exec(input)?.[1];
      if (name && !(name in hidden)) hidden[name] = unescapeHtml(/value="([^"]*)"/.exec(input)?.[1] ?? '');
    }
    return { action: new URL(unescapeHtml(action), reply.url).href, hidden };
  }
  throw new FlowError(step, reply, `no form posting to *${fragment}*`);
}

/** The error code a page shows (`data-code="CODE_INVALID"` on its error message), if any. */
export function pageProblem(reply: Reply): string | undefined {
  return /\bdata-code="([^"]*)"/.exec(reply.text)?.[1];
}

/** A page the flow must land on: 200 and a form posting to `fragment`. */
export function expectForm(reply: Reply, fragment: string, step: string): PageForm {
  if (reply.status !== 200) {
    const problem = pageProblem(reply);
    throw new FlowError(step, reply, `${reply.location ? `redirect to ${pathOf(reply.location)}` : `at ${pathOf(reply.url)}`}${problem ? `, ${problem}` : ''}`);
  }
  return findForm(reply, fragment, step);
}
