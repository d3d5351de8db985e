import type { RedisClusterType } from 'redis';
import { clusterClient } from '../../../src/store/redis/cluster/cluster-client.ts';

/**
 * What the Cluster store adds to node-redis's cluster client (src/store/redis/cluster/cluster-client.ts):
 * a script refused with TRYAGAIN while its slot moves is sent again, a bounded number of times;
 * any other error is the caller's at once. node-redis itself follows MOVED and ASK (the resharding
 * test, test/instances/redis-cluster.test.ts, moves slots under real load).
 */
describe('the Cluster store\'s client', () => {
  const refusing = (refusals: string[]) => {
    const sent: string[] = [];
    const cluster = {
      async evalSha(sha: string) {
        sent.push(sha);
        const refusal = refusals.shift();
        if (refusal) throw new Error(refusal);
        return 'done';
      },
    };
    return { client: clusterClient(cluster as unknown as RedisClusterType), sent };
  };
  const options = { keys: ['k'], arguments: [] };

  it('sends a script refused with TRYAGAIN again until its keys have moved', async () => {
    const { client, sent } = refusing(['TRYAGAIN Multiple keys request during rehashing of slot', 'TRYAGAIN Multiple keys request during rehashing of slot']);
    await expect(client.evalSha('sha', options)).resolves.toBe('done');
    expect(sent).toHaveLength(3);
  });

  it('gives up after 20 refusals, with the last one', async () => {
    const { client, sent } = refusing(Array.from({ length: 25 }, () => 'TRYAGAIN still moving'));
    await expect(client.evalSha('sha', options)).rejects.toThrow('TRYAGAIN still moving');
    expect(sent).toHaveLength(20);
  });

  it('passes any other error on at once', async () => {
    const { client, sent } = refusing(['CROSSSLOT Keys in request don\'t hash to the same slot']);
    await expect(client.evalSha('sha', options)).rejects.toThrow('CROSSSLOT');
    expect(sent).toHaveLength(1);
  });
});
