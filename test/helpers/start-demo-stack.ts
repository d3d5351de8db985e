import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Clock } from '../../src/clock.ts';
import { createDemoApp } from '../../src/hosted/demo/demo-app.ts';
import { demoClientMetadata } from '../../src/hosted/demo/demo-client.ts';
import { createPageRenderer } from '../../src/plugin/page-renderer.ts';
import type { Store } from '../../src/store/store.ts';
import { startIdp, TEST_CLIENTS, type TestIdp } from './start-idp.ts';

export interface DemoStack {
  idp: TestIdp;
  demoUrl: string;
  close(): Promise<void>;
}

/** What `npm start` runs — the provider and the demo relying app — each on port 0. */
export async function startDemoStack(store: Store, clock?: Clock, issuerHost?: string): Promise<DemoStack> {
  const demoServer: Server = createServer();
  await new Promise<void>((resolve) => demoServer.listen(0, '127.0.0.1', resolve));
  const demoUrl = `http://127.0.0.1:${(demoServer.address() as AddressInfo).port}`;
  const idp = await startIdp({ store, clock, clients: [...TEST_CLIENTS, demoClientMetadata(demoUrl)], issuerHost });
  const demo = createDemoApp({ issuer: idp.issuer, baseUrl: demoUrl, render: createPageRenderer() });
  demoServer.on('request', demo.callback());
  return {
    idp,
    demoUrl,
    async close() {
      demoServer.closeAllConnections();
      await new Promise((resolve) => demoServer.close(resolve));
      await idp.close();
    },
  };
}
