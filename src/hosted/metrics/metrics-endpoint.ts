import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Context, Next } from 'koa';
import type { Metrics } from './metrics.ts';

export const METRICS_PATH = '/metrics';

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * Compares the presented bearer token with the configured one in constant time: both are hashed
 * first, so neither the content nor the length of the token leaks through timing (OWASP ASVS 5.0
 * V11, cryptography: constant-time comparison of secrets).
 */
function tokenMatches(authorization: string | undefined, token: string): boolean {
  const presented = /^Bearer (.+)$/.exec(authorization ?? '')?.[1] ?? '';
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(presented), digest(token)) && presented.length > 0;
}

/** One answer for both places the metrics are served (the main port, or METRICS_PORT alone). */
async function answer(metrics: Metrics, token: string | null, method: string, authorization: string | undefined): Promise<Answer> {
  if (method !== 'GET' && method !== 'HEAD') return { status: 405, headers: { allow: 'GET, HEAD', 'content-type': 'text/plain' }, body: 'Method Not Allowed\n' };
  // RFC 6750 §3: a missing or wrong token is 401 with a WWW-Authenticate challenge.
  if (token !== null && !tokenMatches(authorization, token)) return { status: 401, headers: { 'www-authenticate': 'Bearer realm="metrics"', 'content-type': 'text/plain' }, body: 'Unauthorized\n' };
  return { status: 200, headers: { 'content-type': metrics.registry.contentType, 'cache-control': 'no-store' }, body: await metrics.registry.metrics() };
}

/** `GET /metrics` on the main app (METRICS_TOKEN set, no METRICS_PORT). */
export function metricsRoute(metrics: Metrics, token: string | null) {
  return async function serveMetrics(ctx: Context, next: Next): Promise<void> {
    if (ctx.path !== METRICS_PATH) return next();
    const { status, headers, body } = await answer(metrics, token, ctx.method, ctx.get('authorization') || undefined);
    ctx.status = status;
    ctx.set(headers);
    ctx.body = body;
  };
}

/**
 * The metrics alone on their own listener (METRICS_PORT), apart from the provider: a network
 * policy can then let only the scraper reach it. Anything but `/metrics` is 404 there.
 */
export function createMetricsServer(metrics: Metrics, token: string | null): Server {
  return createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://metrics.invalid').pathname;
    const reply = path === METRICS_PATH
      ? answer(metrics, token, req.method ?? 'GET', req.headers.authorization)
      : Promise.resolve({ status: 404, headers: { 'content-type': 'text/plain' }, body: 'Not Found\n' });
    reply.then(
      ({ status, headers, body }) => {
        res.writeHead(status, headers);
        res.end(req.method === 'HEAD' ? undefined : body);
      },
      () => {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end('metrics unavailable\n');
      },
    );
  });
}
