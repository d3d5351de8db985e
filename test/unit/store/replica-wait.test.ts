import { withReplicaWait } from '../../../src/store/redis/replica-wait.ts';
import { StoreUnavailableError } from '../../../src/store/store.ts';
import type { RedisClient } from '../../../src/store/redis/redis-script.ts';

/**
 * REDIS_WAIT_REPLICAS: a durable write is answered only when WAIT, on the connection that made
 * it, says enough replicas have it. A WAIT on another connection (the first failed, or a failover
 * made a new one) counts none of the old connection's writes, so it proves nothing: a 503.
 */
describe('a durable write and its WAIT', () => {
  function world(acknowledged: number) {
    let generation = 0;
    const part = {
      async save(value: string) {
        return `saved ${value}`;
      },
      async read() {
        return 'read';
      },
    };
    const waits: number[] = [];
    const client = { wait: async (replicas: number) => { waits.push(replicas); return acknowledged; } } as unknown as RedisClient;
    const wrapped = withReplicaWait(part, ['save'], client, () => generation, 1, 100);
    return { wrapped, waits, reconnect: () => { generation += 1; }, part };
  }

  test('acknowledged by the replicas on the same connection: answered', async () => {
    const { wrapped, waits } = world(1);
    await expect(wrapped.save('x')).resolves.toBe('saved x');
    expect(waits).toEqual([1]);
  });

  test('too few replicas: a 503 (store unavailable), though the write is on the primary', async () => {
    await expect(world(0).wrapped.save('x')).rejects.toBeInstanceOf(StoreUnavailableError);
  });

  test('the connection changed between the write and its WAIT: a 503 even when WAIT says enough', async () => {
    const w = world(1);
    const original = w.part.save;
    w.part.save = async (value: string) => {
      const result = await original(value);
      w.reconnect();
      return result;
    };
    await expect(w.wrapped.save('x')).rejects.toBeInstanceOf(StoreUnavailableError);
  });

  test('reads and other calls send no WAIT', async () => {
    const { wrapped, waits } = world(1);
    await expect(wrapped.read()).resolves.toBe('read');
    expect(waits).toEqual([]);
  });
});
