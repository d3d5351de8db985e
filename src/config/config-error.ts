/** One thing wrong with the configuration: where (a setting, a variable, a file) and what. */
export interface ConfigProblem {
  /** e.g. "PORT", "config.mfa.lockAfterFailures", "CLIENTS_FILE /etc/oidc-mfa/clients.json[2]" */
  path: string;
  /** e.g. "must be a whole number (got \"eighty\")" */
  problem: string;
}

function describe(problems: readonly ConfigProblem[]): string {
  if (problems.length === 1) return `config: ${problems[0]!.path} ${problems[0]!.problem}`;
  return `config: ${problems.length} problems\n${problems.map(({ path, problem }) => `  - ${path} ${problem}`).join('\n')}`;
}

/**
 * Raised at start-up when configuration is wrong. It lists every problem found, each with its
 * path, so an operator fixes them all in one go instead of meeting them one start at a time.
 */
export class ConfigError extends Error {
  /** The first problem's path. */
  readonly path: string;
  readonly problems: readonly ConfigProblem[];

  constructor(path: string, problem: string);
  constructor(problems: readonly ConfigProblem[]);
  constructor(pathOrProblems: string | readonly ConfigProblem[], problem?: string) {
    const problems = typeof pathOrProblems === 'string' ? [{ path: pathOrProblems, problem: problem ?? 'is wrong' }] : pathOrProblems;
    if (problems.length === 0) throw new TypeError('ConfigError needs at least one problem');
    super(describe(problems));
    this.name = 'ConfigError';
    this.path = problems[0]!.path;
    this.problems = problems;
  }
}

/**
 * Gathers problems while the configuration is read; `check()` throws them all at once.
 * `attempt` runs a step that may throw a ConfigError and keeps its problems instead.
 */
export class ConfigProblems {
  readonly list: ConfigProblem[] = [];

  add(path: string, problem: string): void {
    this.list.push({ path, problem });
  }

  attempt<T>(step: () => T): T | undefined {
    try {
      return step();
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      this.list.push(...error.problems);
      return undefined;
    }
  }

  check(): void {
    if (this.list.length > 0) throw new ConfigError([...this.list]);
  }
}
