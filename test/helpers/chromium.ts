import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { expectNoAxeViolations } from './axe.ts';

/** Debian's chromium (installed by .ci/run); playwright-core never downloads a browser of its own. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Without the background-networking flags Chromium keeps dialling Google's hosts, which this network refuses. */
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: ARGS });
}

/**
 * Saves numbered screenshots under test-artifacts/screenshots/<journey>/ (kept out of git) for a person to look at,
 * and holds each page state it is shown to the checks every page must pass: no horizontal overflow at this width,
 * and no axe-core violation (WCAG 2.1 A/AA, 2.2 target size) in the light or the dark colour scheme.
 */
export function screenshotter(journey: string) {
  const dir = path.join(process.cwd(), 'test-artifacts', 'screenshots', journey);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  let n = 0;
  return async (page: Page, name: string) => {
    n += 1;
    const width = page.viewportSize()?.width ?? 0;
    const file = `${String(n).padStart(2, '0')}-${name}-${width}`;
    await page.screenshot({ path: path.join(dir, `${file}.png`), fullPage: true });
    // The dark colour scheme too, for a person to compare (axe-core checks both below).
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: path.join(dir, `${file}-dark.png`), fullPage: true });
    await page.emulateMedia({ colorScheme: null });
    // Usable at this width: nothing wider than the viewport (no sideways scrolling, WCAG 2.1 1.4.10 Reflow at 320-375 px).
    const overflow = await page.evaluate(() => document.scrollingElement!.scrollWidth - window.innerWidth);
    if (overflow > 0) throw new Error(`${name} at ${width}px is ${overflow}px too wide`);
    await expectNoAxeViolations(page, `${name} at ${width}px`);
  };
}
