import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

/** axe-core's browser build, read once: the devDependency's own file, never fetched. */
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * The rules we hold every page state to: WCAG 2.0 and 2.1 levels A and AA, and 2.2 AA for
 * 2.5.8 Target Size (Minimum), 24 × 24 CSS px (axe tags it wcag22aa).
 */
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

export const COLOUR_SCHEMES = ['light', 'dark'] as const;

interface AxeViolation { id: string; help: string; nodes: { target: unknown[]; failureSummary?: string }[] }

/**
 * Runs axe-core on the page as it is now, in the light and the dark colour scheme, and throws
 * listing every violation. The source is evaluated through the DevTools protocol (page.evaluate),
 * which the page's strict CSP (script-src 'self', no inline script) does not govern, so the
 * context keeps its real CSP: no `bypassCSP`, and a test that watches for CSP reports stays honest.
 */
export async function expectNoAxeViolations(page: Page, name: string): Promise<void> {
  const problems: string[] = [];
  try {
    for (const colorScheme of COLOUR_SCHEMES) {
      await page.emulateMedia({ colorScheme });
      if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
      const violations = await page.evaluate(async (tags) => {
        // @ts-expect-error axe is the global the evaluated source defined
        const results = await window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
        return results.violations as AxeViolation[];
      }, TAGS);
      for (const violation of violations) {
        for (const node of violation.nodes) {
          problems.push(`[${colorScheme}] ${violation.id} (${violation.help}) at ${JSON.stringify(node.target)}: ${node.failureSummary ?? ''}`);
        }
      }
    }
  } finally {
    await page.emulateMedia({ colorScheme: null });
  }
  if (problems.length) throw new Error(`axe-core on ${name}:\n${problems.join('\n')}`);
}
