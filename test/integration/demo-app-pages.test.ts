import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createDemoApp } from '../../src/hosted/demo/demo-app.ts';
import { createPageRenderer } from '../../src/plugin/page-renderer.ts';
import { formAction, hiddenField, HttpSession } from '../helpers/http-session.ts';
import { startDemoStack, type DemoStack } from '../helpers/start-demo-stack.ts';
import { openTestStore, type TestStore } from '../helpers/test-stores.ts';

/** The demo relying app's own pages when a sign-in does not finish: what happened, and "Try again". */
describe('the demo app after a sign-in that did not finish', () => {
  let testStore: TestStore;
  let stack: DemoStack;

  beforeAll(async () => {
    testStore = await openTestStore('sqlite');
    stack = await startDemoStack(testStore.store);
  });
  afterAll(async () => {
    await stack.close();
    await testStore.dispose();
  });

  test('Cancel on the sign-in page: "Sign-in cancelled", with Try again and Back, and Try again starts a new sign-in', async () => {
    const { idp, demoUrl } = stack;
    const browser = new HttpSession();
    const loginPage = await browser.follow(await browser.get(`${demoUrl}/login`), idp.issuer);
    expect(loginPage.text).toContain('Cancel and go back to the app');
    const cancelled = await browser.follow(await browser.postForm(formAction(loginPage.text, '/abort', idp.issuer), { csrf: hiddenField(loginPage.text, 'csrf') }), idp.issuer);
    expect(cancelled.location).toMatch(new RegExp(`^${demoUrl}/callback\\?error=access_denied`));
    const page = await browser.get(cancelled.location!);
    expect(page.status).toBe(400);
    expect(page.text).toContain('<h1>Sign-in cancelled</h1>');
    expect(page.text).toContain('You cancelled the sign-in');
    expect(page.text).toContain('<a class="button primary" href="/login">Try again</a>');
    expect(page.text).toContain('<a href="/">Back to the demo app</a>');
    expect(page.text).toMatch(/Error code: <code>access_denied<\/code>/);
    const again = await browser.get(`${demoUrl}/login`);
    expect(again.location).toMatch(new RegExp(`^${idp.issuer}/auth\\?`));
  });
});

test('the demo app when the provider is not where ISSUER says: what to check, and Try again (not a bare "fetch failed")', async () => {
  // A port nothing listens on: the address is taken and released.
  const closed: Server = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
  await new Promise((resolve) => closed.close(resolve));
  const demo = createDemoApp({ issuer, baseUrl: 'http://127.0.0.1:1', render: createPageRenderer() });
  const server = createServer(demo.callback());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const page = await new HttpSession().get(`http://127.0.0.1:${(server.address() as AddressInfo).port}/login`);
    expect(page.status).toBe(502);
    expect(page.text).toContain("<h1>The demo app couldn't finish signing you in</h1>");
    expect(page.text).toContain(`with the identity provider at ${issuer}: check that the provider is running there`);
    expect(page.text).toContain('<a class="button primary" href="/login">Try again</a>');
    expect(page.text).toMatch(/Error code: <code>DEMO_SIGN_IN_FAILED<\/code>/);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});
