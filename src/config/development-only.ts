import type { ConfigProblems } from './config-error.ts';

/**
 * The development outboxes (text messages, mail) write live codes and links to a local file:
 * a production deployment that chose one would deliver nothing and keep secrets on disk, so
 * the config refuses it, naming the setting and what to use instead.
 */
export function refuseOutboxInProduction(env: string, problems: ConfigProblems, setting: string, refusal: string, instead: string): void {
  if (env === 'production') problems.add(setting, `${refusal} when NODE_ENV=production: ${instead}`);
}
