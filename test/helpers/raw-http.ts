import http from 'node:http';
import type { HttpSession } from './http-session.ts';

/**
 * Requests that fetch cannot make, or makes too politely: raw bytes (invalid UTF-8), headers
 * fetch refuses or rewrites (a Cookie with odd bytes, no Content-Type at all), bodies streamed
 * in chunks with no Content-Length. Each request gets its own connection (no keep-alive pool),
 * so a server that answers before reading the whole body cannot poison a later request.
 */
export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  location?: string;
  text: string;
}

export interface RawRequest {
  method?: string;
  headers?: Record<string, string>;
  /** Sent with a Content-Length; an array is sent chunk by chunk with Transfer-Encoding: chunked. */
  body?: string | Buffer | Array<string | Buffer>;
}

export function rawRequest(url: string, { method = 'GET', headers = {}, body }: RawRequest = {}): Promise<RawResponse> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    let answered = false;
    const request = http.request({
      host: target.hostname,
      port: target.port,
      method,
      path: `${target.pathname}${target.search}`,
      agent: false,
      headers: { connection: 'close', ...headers },
    }, (response) => {
      answered = true;
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const location = response.headers.location;
        resolve({
          status: response.statusCode ?? 0,
          headers: response.headers,
          location: location ? new URL(location, target).href : undefined,
          text: Buffer.concat(chunks).toString('utf8'),
        });
      });
      response.on('error', reject);
    });
    // The server may answer (413, 415) and close before the whole body is written: that is its right.
    let writeError: Error | undefined;
    request.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE' || error.code === 'ECONNRESET') writeError = error;
      else reject(error);
    });
    // No answer at all before the connection closed: that is a failure of its own.
    request.on('close', () => {
      if (!answered) reject(writeError ?? new Error(`no response from ${method} ${url}`));
    });
    if (Array.isArray(body)) {
      for (const chunk of body) request.write(chunk);
      request.end();
    } else {
      // A Content-Length given by the caller is kept as it is, even when it lies about the body.
      if (body !== undefined && !Object.keys(headers).some((name) => name.toLowerCase() === 'content-length')) {
        request.setHeader('content-length', Buffer.byteLength(body));
      }
      request.end(body);
    }
  });
}

/** The Cookie header `session` would send to `url` (same path rules as HttpSession). */
export function cookieHeaderFor(session: HttpSession, url: string): string {
  const { pathname } = new URL(url);
  return [...session.cookies.values()]
    .filter((c) => c.expiresAt > Date.now() && (pathname === c.path || pathname.startsWith(c.path.endsWith('/') ? c.path : `${c.path}/`)))
    .map((c) => `${c.name}=${c.value}`)
    .join('; ');
}
