import { ConfigError } from '../../../src/config/config-error.ts';
import { loadConfig } from '../../../src/hosted/config/load-config.ts';

describe('STORE_TIMEOUT_MS', () => {
  test('defaults to 3 s, and the environment sets it', () => {
    expect(loadConfig({}).storeTimeoutMs).toBe(3000);
    expect(loadConfig({ STORE_TIMEOUT_MS: '1500' }).storeTimeoutMs).toBe(1500);
  });

  test.each([['soon', 'STORE_TIMEOUT_MS'], ['0', 'config.storeTimeoutMs'], ['99', 'config.storeTimeoutMs'], ['60001', 'config.storeTimeoutMs']])('%j is refused, naming %s', (value, where) => {
    expect(() => loadConfig({ STORE_TIMEOUT_MS: value })).toThrow(ConfigError);
    expect(() => loadConfig({ STORE_TIMEOUT_MS: value })).toThrow(where);
  });
});
