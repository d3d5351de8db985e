import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Middleware } from 'koa';

/** static/ beside the code, wherever the process was started (a host's working directory is its own). */
export const STATIC_DIR = fileURLToPath(new URL('../../static/', import.meta.url));

const TYPES: Record<string, string> = { '.css': 'text/css; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.svg': 'image/svg+xml' };

/** Serves the few files in static/ from memory; the list is fixed at start-up, so no path tricks reach the disk. */
export function staticFiles(dir: string, names: string[]): Middleware {
  const files = new Map(names.map((name) => [`/static/${name}`, readFileSync(path.join(dir, name))]));
  return async (ctx, next) => {
    const body = ctx.method === 'GET' || ctx.method === 'HEAD' ? files.get(ctx.path) : undefined;
    if (!body) return next();
    ctx.type = TYPES[path.extname(ctx.path)] ?? 'application/octet-stream';
    ctx.set('cache-control', 'public, max-age=3600');
    ctx.body = body;
  };
}

/** One file served at `urlPath` from memory (a dependency's browser bundle, read once at start-up). */
export function staticFile(urlPath: string, file: string): Middleware {
  const body = readFileSync(file);
  return async (ctx, next) => {
    if (ctx.path !== urlPath || (ctx.method !== 'GET' && ctx.method !== 'HEAD')) return next();
    ctx.type = TYPES[path.extname(file)] ?? 'application/octet-stream';
    ctx.set('cache-control', 'public, max-age=3600');
    ctx.body = body;
  };
}
