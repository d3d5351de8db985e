import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateKeysFile } from '../../src/hosted/config/keys.ts';
import { PROJECT_ROOT } from '../../src/hosted/config/load-config.ts';

/** Runs `node src/hosted/server.ts` (what `npm start` runs) with this environment; resolves when it exits or prints `until`. */
function startServer(env: Record<string, string>, until?: RegExp): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['src/hosted/server.ts'], { cwd: PROJECT_ROOT, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (until?.test(output)) child.kill('SIGTERM');
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

const dataDir = () => mkdtempSync(path.join(os.tmpdir(), 'oidc-mfa-start-'));

function keysFile(): string {
  const file = path.join(dataDir(), 'keys.json');
  writeFileSync(file, JSON.stringify(generateKeysFile()), { mode: 0o600 });
  return file;
}

describe('start-up (node src/hosted/server.ts)', () => {
  test('development: starts on the embedded store and says where it listens', async () => {
    const { output } = await startServer({ PORT: '0', DEMO_APP: 'false', DATA_DIR: dataDir() }, /Identity provider:/);
    expect(output).toMatch(/Identity provider: http:\/\/localhost:3000 \(listening on port \d+, store: sqlite\)/);
  });

  test.each([
    ['without KEYS_FILE', { ISSUER: 'https://id.example.com' }, /KEYS_FILE is required/],
    ['with an http issuer', { ISSUER: 'http://id.example.com' }, /config\.issuer must use https/],
    ['with a bad PORT', { ISSUER: 'https://id.example.com', PORT: 'eighty' }, /PORT must be a whole number/],
    ['on a Redis that keeps nothing on disk', { ISSUER: 'https://id.example.com', REDIS_URL: 'redis://127.0.0.1:6379', REDIS_PREFIX: 'oidc-mfa-test:startup:', withKeys: '1' }, /keeps nothing on disk/],
  ])('production refuses to start %s, naming what is wrong', async (_label, env, message) => {
    const { withKeys, ...rest } = env as Record<string, string>;
    const { code, output } = await startServer({ NODE_ENV: 'production', PORT: '0', DATA_DIR: dataDir(), ...(withKeys ? { KEYS_FILE: keysFile() } : {}), ...rest });
    expect(code).toBe(1);
    expect(output).toMatch(/^Cannot start: /m);
    expect(output).toMatch(message);
    expect(output).not.toMatch(/at \w+ \(|node_modules/);
  });
});
