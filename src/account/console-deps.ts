import type { PluginDeps } from '../plugin/plugin-deps.ts';

/** What the Security pages need on top of the shared parts. */
export interface ConsoleDeps extends PluginDeps {
  issuer: string;
}
