/** Raised at start-up when configuration is wrong; names the setting and what is wrong with it. */
export class ConfigError extends Error {
  readonly path: string;

  constructor(path: string, problem: string) {
    super(`config: ${path} ${problem}`);
    this.name = 'ConfigError';
    this.path = path;
  }
}
