/**
 * The driver's phone: reads the development outbox (src/factors/sms/outbox-sender.ts appends one
 * `{"to","body","at"}` JSON line per text; the body starts with the 6-digit code) as it grows,
 * from where it last stopped, keeping per number only how many texts arrived and the latest
 * code. A flow notes the count before the server sends (mark) and takes the code of a later
 * text (codeAfter): its account is leased to it alone, so that text is the one it caused.
 */
import { open } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

interface Latest {
  count: number;
  code: string;
}

export class OutboxReader {
  private readonly file: string;
  private readonly latest = new Map<string, Latest>();
  private offset = 0;
  private partial = '';
  /** One read at a time; each caller waits for a read that began after it asked. */
  private reading: Promise<void> = Promise.resolve();
  /** Lines that were not a text with a code (counted; a flow waiting for one then times out). */
  malformed = 0;

  constructor(file: string) {
    this.file = file;
  }

  private async readNew(): Promise<void> {
    let handle;
    try {
      handle = await open(this.file, 'r');
    } catch (error) {
      if ((error as { code?: unknown }).code === 'ENOENT') return; // nothing sent yet
      throw error;
    }
    try {
      const { size } = await handle.stat();
      if (size <= this.offset) return;
      const buffer = Buffer.alloc(size - this.offset);
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, this.offset);
      this.offset += bytesRead;
      const lines = (this.partial + buffer.subarray(0, bytesRead).toString('utf8')).split('\n');
      this.partial = lines.pop() ?? ''; // a line still being written
      for (const line of lines) this.take(line);
    } finally {
      await handle.close();
    }
  }

  private take(line: string): void {
    if (!line.trim()) return;
    try {
      const { to, body } = JSON.parse(line) as { to?: unknown; body?: unknown };
      const code = typeof body === 'string' ? /^(\d{6})\b/.exec(body)?.[1] : undefined;
      if (typeof to !== 'string' || !code) throw new Error('not a text with a code');
      this.latest.set(to, { count: (this.latest.get(to)?.count ?? 0) + 1, code });
    } catch {
      this.malformed += 1;
    }
  }

  private refresh(): Promise<void> {
    const next = this.reading.then(() => this.readNew());
    this.reading = next.catch(() => {});
    return next;
  }

  /** How many texts `phone` has received so far. */
  async mark(phone: string): Promise<number> {
    await this.refresh();
    return this.latest.get(phone)?.count ?? 0;
  }

  /** The code of the latest text to `phone` after `mark`; waits up to `limitMs` for it. */
  async codeAfter(phone: string, mark: number, limitMs = 2_000): Promise<string> {
    const deadline = performance.now() + limitMs;
    for (;;) {
      await this.refresh();
      const latest = this.latest.get(phone);
      if (latest && latest.count > mark) return latest.code;
      if (performance.now() >= deadline) throw new Error(`no text to ${phone} in the outbox within ${limitMs} ms (${this.malformed} malformed lines)`);
      await sleep(10);
    }
  }
}
