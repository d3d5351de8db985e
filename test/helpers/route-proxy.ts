/**
 * A tiny HTTP reverse proxy on 127.0.0.1, port 0, in front of several provider processes: the
 * load balancer of a multi-instance deployment, steered by the test. Each request goes to the
 * current route (`route('a')`), or to the one named in an `x-route-to` header (stripped before
 * forwarding). The Host header is passed through untouched, so every instance sees the proxy's
 * address, which is the shared ISSUER. Routing is per request, not per connection: a keep-alive
 * connection from the test can be served by A, then B. Responses carry `x-served-by`.
 */
import { createServer, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ForwardedRequest {
  method: string;
  path: string;
  /** The upstream name it was sent to. */
  to: string;
  /** The upstream's status, or 502 when the upstream could not be reached. */
  status?: number;
}

export interface RouteProxy {
  /** http://127.0.0.1:<port>: use it as ISSUER for every instance. */
  readonly url: string;
  /** Every request so far, in order. */
  readonly log: ForwardedRequest[];
  /** Where requests without an x-route-to header go from now on. */
  route(name: string): void;
  readonly current: string;
  /** Adds or repoints an upstream (e.g. a restarted process on a new port). */
  setUpstream(name: string, port: number): void;
  /** Resolves once a request matching `predicate` has been completely written to its upstream. */
  whenForwarded(predicate: (request: ForwardedRequest) => boolean, timeoutMs?: number): Promise<ForwardedRequest>;
  close(): Promise<void>;
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer']);
export const ROUTE_HEADER = 'x-route-to';
export const SERVED_BY_HEADER = 'x-served-by';

function endToEnd(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const out: IncomingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) if (!HOP_BY_HOP.has(name) && name !== ROUTE_HEADER) out[name] = value;
  return out;
}

export async function startRouteProxy(upstreams: Record<string, number>, initial: string): Promise<RouteProxy> {
  const ports = new Map(Object.entries(upstreams));
  let current = initial;
  const log: ForwardedRequest[] = [];
  const waiters = new Set<{ predicate: (request: ForwardedRequest) => boolean; resolve: (request: ForwardedRequest) => void }>();

  const server = createServer((req, res) => {
    const asked = req.headers[ROUTE_HEADER];
    const to = typeof asked === 'string' && asked ? asked : current;
    const entry: ForwardedRequest = { method: req.method ?? 'GET', path: req.url ?? '/', to };
    log.push(entry);
    const port = ports.get(to);
    const fail = (message: string) => {
      entry.status = 502;
      if (res.headersSent) {
        res.destroy();
        return;
      }
      res.writeHead(502, { 'content-type': 'text/plain', [SERVED_BY_HEADER]: to });
      res.end(`bad gateway: ${message}`);
    };
    if (port === undefined) {
      req.resume();
      fail(`no upstream named ${to}`);
      return;
    }
    const upstream = httpRequest({ host: '127.0.0.1', port, method: req.method, path: req.url, headers: endToEnd(req.headers), agent: false }, (upstreamRes) => {
      entry.status = upstreamRes.statusCode;
      res.writeHead(upstreamRes.statusCode ?? 502, { ...endToEnd(upstreamRes.headers), [SERVED_BY_HEADER]: to });
      upstreamRes.pipe(res);
      upstreamRes.once('error', () => res.destroy());
    });
    upstream.once('finish', () => {
      for (const waiter of waiters) {
        if (waiter.predicate(entry)) {
          waiters.delete(waiter);
          waiter.resolve(entry);
        }
      }
    });
    upstream.once('error', (error) => fail(`${to} (port ${port}): ${(error as NodeJS.ErrnoException).code ?? error.message}`));
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    log,
    route(name) {
      if (!ports.has(name)) throw new Error(`no upstream named ${name}`);
      current = name;
    },
    get current() {
      return current;
    },
    setUpstream(name, port) {
      ports.set(name, port);
    },
    whenForwarded(predicate, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`no matching request was forwarded within ${timeoutMs} ms`));
        }, timeoutMs);
        const waiter = {
          predicate,
          resolve: (request: ForwardedRequest) => {
            clearTimeout(timer);
            resolve(request);
          },
        };
        waiters.add(waiter);
      });
    },
    close() {
      return new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
    },
  };
}
