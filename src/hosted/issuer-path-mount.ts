import type { Middleware } from 'koa';
import type { PluginPaths } from '../http/plugin-paths.ts';

/**
 * An ISSUER with a path (`https://example.com/idp`) puts the whole provider under that path, as a
 * host mounting oidc-provider in Express or with koa-mount would: requests outside it are not
 * ours (404), and inside it the rest of the path is what every route sees. `ctx.mountPath` is
 * where oidc-provider's urlFor() looks for the prefix of the addresses it hands out; the plugin
 * takes the same prefix from the issuer (plugin-paths.ts).
 */
export function issuerPathMount(paths: PluginPaths): Middleware {
  const { mount } = paths;
  return async (ctx, next) => {
    if (!mount) return next();
    const inside = ctx.path === mount || ctx.path.startsWith(`${mount}/`);
    if (!inside) {
      ctx.status = 404;
      ctx.type = 'text';
      ctx.body = `Not found. This sign-in service is at ${mount}/`;
      return;
    }
    ctx.path = ctx.path.slice(mount.length) || '/';
    (ctx as { mountPath?: string }).mountPath = mount;
    return next();
  };
}
