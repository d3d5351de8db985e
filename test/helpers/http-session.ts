/**
 * A minimal browser stand-in over fetch: a cookie jar (path-aware, honours expiry and
 * deletion) and manual redirects, so each hop of a sign-in can be seen and asserted.
 */
interface StoredCookie {
  name: string;
  value: string;
  path: string;
  expiresAt: number;
}

export interface HttpResponse {
  status: number;
  url: string;
  location?: string;
  headers: Headers;
  text: string;
}

export class HttpSession {
  readonly cookies = new Map<string, StoredCookie>();
  readonly defaultHeaders: Record<string, string>;

  constructor(defaultHeaders: Record<string, string> = {}) {
    this.defaultHeaders = defaultHeaders;
  }

  private cookieHeader(url: URL): string {
    const now = Date.now();
    return [...this.cookies.values()]
      .filter((c) => c.expiresAt > now && (url.pathname === c.path || url.pathname.startsWith(c.path.endsWith('/') ? c.path : `${c.path}/`)))
      .map((c) => `${c.name}=${c.value}`)
      .join('; ');
  }

  private storeCookies(headers: Headers): void {
    for (const line of headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';').map((part) => part.trim());
      const eq = pair!.indexOf('=');
      const cookie: StoredCookie = { name: pair!.slice(0, eq), value: pair!.slice(eq + 1), path: '/', expiresAt: Number.POSITIVE_INFINITY };
      for (const attribute of attributes) {
        const [key, value = ''] = attribute.split('=');
        const lower = key!.toLowerCase();
        if (lower === 'path') cookie.path = value;
        if (lower === 'expires') cookie.expiresAt = Date.parse(value);
        if (lower === 'max-age') cookie.expiresAt = Date.now() + Number(value) * 1000;
      }
      const key = `${cookie.name};${cookie.path}`;
      if (cookie.expiresAt <= Date.now() || cookie.value === '') this.cookies.delete(key);
      else this.cookies.set(key, cookie);
    }
  }

  async request(url: string, init: RequestInit = {}): Promise<HttpResponse> {
    const target = new URL(url);
    const headers = new Headers({ ...this.defaultHeaders, ...(init.headers as Record<string, string> | undefined) });
    const cookie = this.cookieHeader(target);
    if (cookie) headers.set('cookie', cookie);
    const response = await fetch(target, { ...init, headers, redirect: 'manual' });
    this.storeCookies(response.headers);
    const location = response.headers.get('location');
    return {
      status: response.status,
      url: target.href,
      location: location ? new URL(location, target).href : undefined,
      headers: response.headers,
      text: await response.text(),
    };
  }

  get(url: string, headers: Record<string, string> = {}): Promise<HttpResponse> {
    return this.request(url, { headers: { accept: 'text/html', ...headers } });
  }

  postForm(url: string, fields: Record<string, string>, headers: Record<string, string> = {}): Promise<HttpResponse> {
    return this.request(url, {
      method: 'POST',
      headers: { accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded', origin: new URL(url).origin, ...headers },
      body: new URLSearchParams(fields).toString(),
    });
  }

  /**
   * A form post as a browser sends it, then the redirects it follows (every form POST of ours
   * answers with a 303: Post/Redirect/Get) while they stay on the form's origin: the page shown.
   */
  async submitForm(url: string, fields: Record<string, string>, headers: Record<string, string> = {}): Promise<HttpResponse> {
    return this.follow(await this.postForm(url, fields, headers), new URL(url).origin);
  }

  /**
   * Follows redirects while they stay on the origin of `site` (an origin, or an issuer with a
   * path); returns the first response that is not one, or the redirect leaving it.
   */
  async follow(response: HttpResponse, site: string, maxHops = 10): Promise<HttpResponse> {
    const origin = new URL(site).origin;
    let current = response;
    for (let hop = 0; hop < maxHops && current.location && new URL(current.location).origin === origin; hop += 1) {
      current = await this.get(current.location);
    }
    return current;
  }
}

/** The value of a hidden input on a page, e.g. the CSRF token. */
export function hiddenField(html: string, name: string): string {
  const match = new RegExp(`name="${name}" value="([^"]*)"`).exec(html) ?? new RegExp(`value="([^"]*)" name="${name}"`).exec(html);
  if (!match) throw new Error(`no hidden field ${name} on the page`);
  return match[1]!;
}

/** The action of the first form whose action contains `fragment`. */
export function formAction(html: string, fragment: string, base: string): string {
  const match = new RegExp(`action="([^"]*${fragment}[^"]*)"`).exec(html);
  if (!match) throw new Error(`no form posting to *${fragment}* on the page`);
  return new URL(match[1]!.replaceAll('&amp;', '&'), base).href;
}
