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

  test('the demo app\'s port is free for metrics while the demo app is off', () => {
    expect(loadConfig({ METRICS_PORT: '3001', DEMO_APP: 'false' }).metrics.port).toBe(3001);
  });
});
