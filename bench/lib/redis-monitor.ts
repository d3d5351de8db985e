/**
 * Counts the commands Redis ran inside Lua scripts on one bench server's keys, with MONITOR on a
 * connection of its own. Why MONITOR and not INFO commandstats: this Redis is shared with other
 * test runs, and commandstats are server-wide, while every MONITOR line names its arguments, so
 * filtering on this server's random key prefix leaves only ours. A command a script runs shows
 * as `<time> [<db> lua] "HSET" "<prefix>…"`; the scripts' commands all name a key under the
 * prefix (src/store/redis/lua-*.ts), so the filter loses none of them.
 * The commands our client sent are counted on the client side instead (servers/call-counter.ts):
 * MULTI and EXEC name no key, so a prefix filter would miss them there.
 */
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { createClient } from 'redis';

const CONNECT_LIMIT_MS = 3_000;
const SYNC_LIMIT_MS = 5_000;

export class RedisScriptMonitor {
  private buffered = '';
  private count = 0;
  private readonly markers = new Map<string, () => void>();

  private readonly socket: Socket;
  private readonly url: string;
  private readonly prefix: string;

  private constructor(socket: Socket, url: string, prefix: string) {
    this.socket = socket;
    this.url = url;
    this.prefix = prefix;
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => this.take(chunk));
    socket.on('error', () => {});
  }

  /** Connected and monitoring once this resolves. */
  static async open(url: string, prefix: string): Promise<RedisScriptMonitor> {
    const { hostname, port } = new URL(url);
    const socket = connect({ host: hostname || '127.0.0.1', port: Number(port || 6379) });
    const monitor = new RedisScriptMonitor(socket, url, prefix);
    const answered = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('MONITOR: no +OK from Redis in time')), CONNECT_LIMIT_MS);
      socket.once('error', reject);
      monitor.markers.set('+OK', () => {
        clearTimeout(timer);
        resolve();
      });
      socket.write('*1\r\n$7\r\nMONITOR\r\n');
    });
    try {
      await answered;
    } catch (error) {
      socket.destroy();
      throw error;
    }
    return monitor;
  }

  private take(chunk: string): void {
    this.buffered += chunk;
    let end: number;
    while ((end = this.buffered.indexOf('\r\n')) >= 0) {
      const line = this.buffered.slice(0, end);
      this.buffered = this.buffered.slice(end + 2);
      if (line.includes(' lua] ') && line.includes(`"${this.prefix}`)) this.count += 1;
      for (const [marker, seen] of this.markers) {
        if (line === marker || line.includes(`"${marker}"`)) {
          this.markers.delete(marker);
          seen();
        }
      }
    }
  }

  /**
   * The count once every command Redis ran before this call has reached us: MONITOR lines come
   * in the order Redis ran the commands, so we send an ECHO of a random marker from another
   * connection and read up to it.
   */
  async scriptCommands(): Promise<number> {
    const marker = `bench-monitor-marker-${randomBytes(8).toString('hex')}`;
    const seen = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('MONITOR: the marker never came back')), SYNC_LIMIT_MS);
      this.markers.set(marker, () => {
        clearTimeout(timer);
        resolve();
      });
    });
    const client = createClient({ url: this.url, socket: { reconnectStrategy: false, connectTimeout: CONNECT_LIMIT_MS } });
    client.on('error', () => {});
    try {
      await client.connect();
      await client.echo(marker);
    } finally {
      client.destroy();
    }
    await seen;
    return this.count;
  }

  close(): void {
    this.socket.destroy();
  }
}
