import net, { type AddressInfo, type Socket } from 'node:net';

export interface StallProxy {
  /** redis://127.0.0.1:<port>: connect through this instead of to the target. */
  readonly url: string;
  /** Stops forwarding in both directions, connections left open: a stalled server, not a dead one. */
  pause(): void;
  /** Delivers what was held back, in order, and forwards again. */
  resume(): void;
  /** Closes every connection and the listener. */
  close(): Promise<void>;
}

/** A TCP proxy on 127.0.0.1, port 0, in front of `target` (the shared Redis), that the test can freeze. */
export async function startStallProxy(target: { host: string; port: number }): Promise<StallProxy> {
  const sockets = new Set<Socket>();
  const held: { to: Socket; chunk: Buffer }[] = [];
  let paused = false;

  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  };
  const forward = (from: Socket, to: Socket) => {
    from.on('data', (chunk: Buffer) => {
      if (paused) held.push({ to, chunk });
      else to.write(chunk);
    });
    from.on('close', () => to.destroy());
  };

  const server = net.createServer((client) => {
    const upstream = net.connect(target.port, target.host);
    track(client);
    track(upstream);
    forward(client, upstream);
    forward(upstream, client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

  return {
    url: `redis://127.0.0.1:${(server.address() as AddressInfo).port}`,
    pause() {
      paused = true;
    },
    resume() {
      paused = false;
      for (const { to, chunk } of held.splice(0)) if (!to.destroyed) to.write(chunk);
    },
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
