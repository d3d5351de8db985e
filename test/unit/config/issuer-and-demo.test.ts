import { loadConfig } from '../../../src/hosted/config/load-config.ts';

const PRODUCTION = { NODE_ENV: 'production', ISSUER: 'https://id.example.com', KEYS_FILE: '/secure/keys.json' };

describe('the issuer follows PORT unless ISSUER is set', () => {
  test.each([['3000', 'http://localhost:3000'], ['8080', 'http://localhost:8080'], ['4100', 'http://localhost:4100']])('PORT=%s: %s', (port, issuer) => {
    expect(loadConfig({ PORT: port }).issuer).toBe(issuer);
  });

  test('no PORT: port 3000, issuer http://localhost:3000', () => {
    expect(loadConfig({})).toMatchObject({ port: 3000, issuer: 'http://localhost:3000' });
  });

  test('ISSUER wins over PORT (behind a proxy the port is not the public one)', () => {
    expect(loadConfig({ PORT: '8080', ISSUER: 'https://id.example.com/' }).issuer).toBe('https://id.example.com');
  });

  test('PORT=0 (any free port) needs ISSUER: the address cannot be known in advance', () => {
    expect(() => loadConfig({ PORT: '0' })).toThrow('config.issuer (ISSUER) is required when PORT is 0');
    expect(loadConfig({ PORT: '0', ISSUER: 'http://localhost:5555' }).issuer).toBe('http://localhost:5555');
  });

  test('production needs ISSUER: a localhost default would be refused anyway (https), so it is asked for by name', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', KEYS_FILE: '/k' })).toThrow('config.issuer (ISSUER) is required when NODE_ENV=production');
  });
});

describe('the demo relying app', () => {
  test('is on in development and test', () => {
    expect(loadConfig({}).demoApp).toEqual({ enabled: true, port: 3001 });
    expect(loadConfig({ NODE_ENV: 'test' }).demoApp.enabled).toBe(true);
  });

  test('is off in production unless DEMO_APP=true asks for it', () => {
    expect(loadConfig(PRODUCTION).demoApp.enabled).toBe(false);
    expect(loadConfig({ ...PRODUCTION, DEMO_APP: 'true' }).demoApp.enabled).toBe(true);
    expect(loadConfig({ ...PRODUCTION, DEMO_APP: 'false' }).demoApp.enabled).toBe(false);
  });

  test('DEMO_APP=false turns it off in development', () => {
    expect(loadConfig({ DEMO_APP: 'false' }).demoApp.enabled).toBe(false);
  });

  test('DEMO_PORT=0 is refused while it is on (its redirect URI names its port), accepted while off', () => {
    expect(() => loadConfig({ DEMO_PORT: '0' })).toThrow('config.demoApp.port (DEMO_PORT) must not be 0 while the demo app is on');
    expect(loadConfig({ DEMO_PORT: '0', DEMO_APP: 'false' }).demoApp).toEqual({ enabled: false, port: 0 });
  });
});
