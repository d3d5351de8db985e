import { ConfigError } from '../../../src/config/config-error.ts';
import { loadConfig } from '../../../src/hosted/config/load-config.ts';

const TOKEN = 'a'.repeat(32);

describe('METRICS_TOKEN and METRICS_PORT', () => {
  test('off unless one is set; the token alone serves on the main port, the port alone without a token', () => {
    expect(loadConfig({}).metrics).toEqual({ enabled: false, token: null, port: null });
    expect(loadConfig({ METRICS_TOKEN: TOKEN }).metrics).toEqual({ enabled: true, token: TOKEN, port: null });
    expect(loadConfig({ METRICS_PORT: '9464' }).metrics).toEqual({ enabled: true, token: null, port: 9464 });
    expect(loadConfig({ METRICS_PORT: '9464', METRICS_TOKEN: TOKEN }).metrics).toEqual({ enabled: true, token: TOKEN, port: 9464 });
  });

  test.each([
    [{ METRICS_TOKEN: 'short' }, 'config.metrics.token (METRICS_TOKEN)'],
    [{ METRICS_TOKEN: `${'a'.repeat(31)} b` }, 'config.metrics.token (METRICS_TOKEN)'],
    [{ METRICS_PORT: 'nine' }, 'METRICS_PORT'],
    [{ METRICS_PORT: '70000' }, 'config.metrics.port (METRICS_PORT)'],
    [{ METRICS_PORT: '3000' }, 'which the provider or the demo app already listens on'],
    [{ METRICS_PORT: '3001' }, 'which the provider or the demo app already listens on'],
  ])('%j is refused, naming %s', (env, where) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(where);
  });

  test('a wrong token is never echoed (it is a credential)', () => {
    const almost = `${'s3cret'.repeat(5)} x`;
    expect(() => loadConfig({ METRICS_TOKEN: almost })).toThrow('config.metrics.token (METRICS_TOKEN)');
    expect(() => loadConfig({ METRICS_TOKEN: almost })).not.toThrow('s3cret');
  });

  test('the demo app\'s port is free for metrics while the demo app is off', () => {
    expect(loadConfig({ METRICS_PORT: '3001', DEMO_APP: 'false' }).metrics.port).toBe(3001);
  });
});

describe('REDIS_SENTINEL_URLS, REDIS_SENTINEL_NAME and REDIS_WAIT_REPLICAS', () => {
  test('the sentinels are a comma-separated list of redis:// URLs; the name goes with them; no wait by default', () => {
    const config = loadConfig({ REDIS_SENTINEL_URLS: 'redis://10.0.0.1:26379, redis://10.0.0.2:26379,redis://10.0.0.3', REDIS_SENTINEL_NAME: 'idp' });
    expect(config.redis.sentinel).toEqual({ urls: ['redis://10.0.0.1:26379', 'redis://10.0.0.2:26379', 'redis://10.0.0.3'], name: 'idp' });
    expect(config.redis.url).toBeNull();
    expect(config.redis.waitReplicas).toBe(0);
    expect(loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379', REDIS_WAIT_REPLICAS: '1' }).redis.waitReplicas).toBe(1);
    expect(loadConfig({}).redis.sentinel).toBeNull();
  });

  test.each([
    [{ REDIS_SENTINEL_URLS: 'redis://10.0.0.1:26379' }, 'config.redis.sentinel.name (REDIS_SENTINEL_NAME)'],
    [{ REDIS_SENTINEL_NAME: 'idp' }, 'config.redis.sentinel.urls (REDIS_SENTINEL_URLS) must name at least one sentinel'],
    [{ REDIS_SENTINEL_URLS: 'http://10.0.0.1:26379', REDIS_SENTINEL_NAME: 'idp' }, 'must start with redis:// or rediss://'],
    [{ REDIS_SENTINEL_URLS: 'redis://10.0.0.1', REDIS_SENTINEL_NAME: 'two words' }, 'config.redis.sentinel.name (REDIS_SENTINEL_NAME)'],
    [{ REDIS_SENTINEL_URLS: 'redis://10.0.0.1', REDIS_SENTINEL_NAME: 'idp', REDIS_URL: 'redis://10.0.0.9' }, 'cannot be set with REDIS_URL'],
    [{ REDIS_WAIT_REPLICAS: '1' }, 'the embedded SQLite store has no replicas'],
    [{ REDIS_URL: 'redis://10.0.0.9', REDIS_WAIT_REPLICAS: '17' }, 'config.redis.waitReplicas (REDIS_WAIT_REPLICAS)'],
  ])('%j is refused, naming %s', (env, where) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(where);
  });
});

describe('REDIS_CLUSTER_URLS', () => {
  test('some nodes of the cluster, a comma-separated list of redis:// URLs; unset, no cluster', () => {
    const config = loadConfig({ REDIS_CLUSTER_URLS: 'redis://10.0.0.1:7000, redis://10.0.0.2:7000,redis://10.0.0.3' });
    expect(config.redis.cluster).toEqual({ urls: ['redis://10.0.0.1:7000', 'redis://10.0.0.2:7000', 'redis://10.0.0.3'] });
    expect(config.redis.url).toBeNull();
    expect(config.redis.sentinel).toBeNull();
    expect(loadConfig({}).redis.cluster).toBeNull();
  });

  test.each([
    [{ REDIS_CLUSTER_URLS: '' }, 'config.redis.cluster.urls (REDIS_CLUSTER_URLS) must name at least one node of the cluster'],
    [{ REDIS_CLUSTER_URLS: 'http://10.0.0.1:7000' }, 'must start with redis:// or rediss://'],
    [{ REDIS_CLUSTER_URLS: 'redis://10.0.0.1:7000', REDIS_URL: 'redis://10.0.0.9' }, 'cannot be set with REDIS_URL or REDIS_SENTINEL_URLS'],
    [{ REDIS_CLUSTER_URLS: 'redis://10.0.0.1:7000', REDIS_SENTINEL_URLS: 'redis://10.0.0.2', REDIS_SENTINEL_NAME: 'idp' }, 'cannot be set with REDIS_URL or REDIS_SENTINEL_URLS'],
    [{ REDIS_CLUSTER_URLS: 'redis://10.0.0.1:7000', REDIS_PREFIX: 'idp{1}:' }, 'config.redis.prefix (REDIS_PREFIX) must hold no { or }'],
    [{ REDIS_CLUSTER_URLS: 'redis://10.0.0.1:7000', REDIS_WAIT_REPLICAS: '1' }, 'does not apply to a Redis Cluster'],
  ])('%j is refused, naming %s', (env, where) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(where);
  });
});
