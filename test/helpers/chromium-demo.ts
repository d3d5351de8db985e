import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { FakeClock } from './fake-clock.ts';
import { launchChromium } from './chromium.ts';
import { startDemoStack, type DemoStack } from './start-demo-stack.ts';
import { openTestStore, type TestStore } from './test-stores.ts';

/**
 * What every browser journey starts from: Debian's Chromium with one page at `width` px, and the
 * provider with the demo relying app on a fresh SQLite store. Closed in the reverse order.
 */
export interface ChromiumDemo {
  browser: Browser;
  context: BrowserContext;
  page: Page;
  testStore: TestStore;
  stack: DemoStack;
  close(): Promise<void>;
}

export interface ChromiumDemoOptions {
  /** Drives the MFA step (TOTP steps, re-authentication age); the store's too when `storeClock`. */
  clock: FakeClock;
  storeClock?: boolean;
  /** The browser's language (its Accept-Language), e.g. fr-CA. */
  locale?: string;
  /** The issuer's host name (passkeys need `localhost`: browsers refuse an IP address as RP ID). */
  issuerHost?: string;
  /** How long a step may wait before it fails with its locator, rather than at the test's own timeout. */
  stepTimeoutMs?: number;
}

export async function openChromiumDemo(width: number, options: ChromiumDemoOptions): Promise<ChromiumDemo> {
  const browser = await launchChromium();
  let testStore: TestStore | undefined;
  let stack: DemoStack | undefined;
  const close = async () => {
    await browser.close();
    await stack?.close();
    await testStore?.dispose();
  };
  try {
    testStore = await openTestStore('sqlite', options.storeClock ? options.clock : undefined);
    stack = await startDemoStack(testStore.store, options.clock, options.issuerHost);
    const context = await browser.newContext({ viewport: { width, height: 800 }, ...(options.locale ? { locale: options.locale } : {}) });
    const page = await context.newPage();
    page.setDefaultTimeout(options.stepTimeoutMs ?? 5000);
    return { browser, context, page, testStore, stack, close };
  } catch (error) {
    // Nothing is left running when the set-up itself fails.
    await close();
    throw error;
  }
}
