import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseKeys, type KeysFile } from '../../../src/hosted/config/keys.ts';
import { parseArgs } from '../../../src/hosted/cli/args.ts';
import { runCommand, type CliContext } from '../../../src/hosted/cli/commands.ts';
import { PROJECT_ROOT } from '../../../src/hosted/config/load-config.ts';
import { childEnv, spawnTracked, stopAllProcesses } from '../../helpers/server-process.ts';

const mode = (file: string) => statSync(file).mode & 0o777;

describe('keys generate', () => {
  let dir: string;
  let out: string[];
  let err: string[];
  // `keys generate` must work with no configuration at all: nothing else in the context may be touched.
  const untouched = () => {
    throw new Error('keys generate must not read the configuration or the store');
  };
  const ctx = (): CliContext => ({
    io: { out: (line) => out.push(line), err: (line) => err.push(line), readStdin: async () => '' },
    directory: untouched,
    mfa: untouched,
    clients: untouched,
  });
  const run = (...argv: string[]) => runCommand(parseArgs(argv, new Set(['password-stdin', 'force'])), ctx());

  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'oidc-mfa-keys-cli-'));
    out = [];
    err = [];
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('--out writes a valid keys file, mode 0600, and says where and what to set', async () => {
    const file = path.join(dir, 'keys.json');
    expect(await run('keys', 'generate', '--out', file)).toBe(0);
    expect(mode(file)).toBe(0o600);
    const keys = parseKeys(JSON.parse(readFileSync(file, 'utf8')) as KeysFile);
    expect(keys.sealingKeys[0]!.key).toHaveLength(32);
    expect(out).toEqual([`wrote new keys to ${file} (mode 0600, readable by this user only); start the provider with KEYS_FILE=${file}`]);
    // Nothing secret on the terminal.
    expect(out.join('\n')).not.toContain(keys.cookieKeys[0]!);
  });

  test('an existing file is never replaced without --force, and the warning says what replacing costs', async () => {
    const file = path.join(dir, 'keys.json');
    writeFileSync(file, 'the keys a running deployment uses');
    expect(await run('keys', 'generate', '--out', file)).toBe(1);
    expect(readFileSync(file, 'utf8')).toBe('the keys a running deployment uses');
    expect(err.join('\n')).toBe(`error: ${file} already exists: replacing it signs everyone out and makes every authenticator app set up under its sealing key unusable; pass --force only if that is what you want`);
  });

  test('--force replaces it, and the new file is 0600 even if the old one was readable by all', async () => {
    const file = path.join(dir, 'keys.json');
    writeFileSync(file, 'old');
    chmodSync(file, 0o644);
    expect(await run('keys', 'generate', '--out', file, '--force')).toBe(0);
    expect(mode(file)).toBe(0o600);
    expect(() => parseKeys(JSON.parse(readFileSync(file, 'utf8')) as KeysFile)).not.toThrow();
  });

  test('each run makes different keys', async () => {
    await run('keys', 'generate', '--out', path.join(dir, 'a.json'));
    await run('keys', 'generate', '--out', path.join(dir, 'b.json'));
    const read = (name: string) => JSON.parse(readFileSync(path.join(dir, name), 'utf8')) as KeysFile;
    expect(read('a.json').sealingKeys[0]!.key).not.toBe(read('b.json').sealingKeys[0]!.key);
  });

  test.each<[string[], number, string]>([
    [['keys', 'generate', '--out', '/no/such/folder/keys.json'], 1, 'error: cannot write /no/such/folder/keys.json: its folder does not exist'],
    [['keys', 'generate', '--output', 'k.json'], 2, 'unknown option --output'],
  ])('%j exits %i with a message', async (argv, code, message) => {
    expect(await run(...argv)).toBe(code);
    expect(err.join('\n')).toContain(message);
  });

  test('without --out it prints the keys file on standard output (for a pipe)', async () => {
    expect(await run('keys', 'generate')).toBe(0);
    expect(() => parseKeys(JSON.parse(out.join('\n')) as KeysFile)).not.toThrow();
  });
});

describe('the documented command, run as an operator would', () => {
  afterAll(() => stopAllProcesses());

  async function exec(command: string, args: string[], env: Record<string, string>) {
    const child = spawnTracked(command, command, args, { env: childEnv(env), cwd: PROJECT_ROOT });
    const exit = await child.exited;
    return { code: exit.code, output: child.output() };
  }

  test('`npm run --silent cli -- keys generate --out FILE` with NODE_ENV=production and nothing else set: a valid 0600 file', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'oidc-mfa-keys-npm-'));
    try {
      const file = path.join(dir, 'keys.json');
      // Production without ISSUER or KEYS_FILE: the state an operator is in when the start-up error sends them here.
      const { code, output } = await exec('npm', ['run', '--silent', 'cli', '--', 'keys', 'generate', '--out', file], { NODE_ENV: 'production', HOME: dir });
      expect({ code, output }).toEqual({ code: 0, output: expect.stringContaining(`wrote new keys to ${file}`) });
      expect(mode(file)).toBe(0o600);
      expect(() => parseKeys(JSON.parse(readFileSync(file, 'utf8')) as KeysFile)).not.toThrow();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
