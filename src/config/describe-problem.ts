import * as v from 'valibot';

export interface SettingProblem {
  /** Where the bad value is, e.g. ["settings", "lockAfterFailures"] or ["sealingKeys", 0]. */
  path: (string | number)[];
  /** What is wrong, e.g. "must be an integer from 1 to 100 (got 0)". */
  problem: string;
}

/** Settings whose values are never echoed in a message: keys and credentials (a Redis or SMTP URL may carry a password; the metrics bearer token). */
const SECRET = /^(secrets|sealingKeys|sms\.twilio|mail\.smtpUrl|redis\.url|redis\.sentinel\w*|metrics\.token)\b/;

/** `a.b[0].c` */
export function dottedPath(path: (string | number)[]): string {
  return path.map((key, i) => (typeof key === 'number' ? `[${key}]` : i === 0 ? key : `.${key}`)).join('');
}

function shortJson(value: unknown): string {
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch {
    json = undefined;
  }
  if (json === undefined) return typeof value === 'undefined' ? 'nothing' : `a ${typeof value}`;
  return json.length > 80 ? `${json.slice(0, 77)}...` : json;
}

function describeIssue(issue: v.BaseIssue<unknown>): SettingProblem {
  const path = (issue.path ?? []).map((item) => item.key as string | number);
  const last = issue.path?.at(-1);
  if (issue.expected === 'never') return { path, problem: 'is not a known setting (misspelt?)' };
  const value = last ? last.value : issue.input;
  const shown = SECRET.test(dottedPath(path)) ? '' : ` (got ${shortJson(value)})`;
  return { path, problem: `${issue.message}${shown}` };
}

/** The first problem valibot found, as a path and a sentence a person can act on. */
export function describeProblem(issues: [v.BaseIssue<unknown>, ...v.BaseIssue<unknown>[]]): SettingProblem {
  return describeIssue(issues[0]);
}

/**
 * Every problem valibot found (parsed with `abortEarly: false`), one per setting: a value that
 * breaks several rules at once (a number that is neither whole nor in range) is told once.
 */
export function describeProblems(issues: readonly v.BaseIssue<unknown>[]): SettingProblem[] {
  const seen = new Set<string>();
  const problems: SettingProblem[] = [];
  for (const issue of issues) {
    const problem = describeIssue(issue);
    const key = dottedPath(problem.path);
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push(problem);
  }
  return problems;
}
