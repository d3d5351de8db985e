import { randomBytes } from 'node:crypto';
import { createAccountDirectory } from '../../../src/hosted/account-directory.ts';
import { createJsonLogger } from '../../../src/log.ts';
import { composeMfa } from '../../../src/plugin/create-mfa.ts';
import { generatePurposeSecrets } from '../../../src/hosted/config/purpose-secrets-file.ts';
import { parseArgs } from '../../../src/hosted/cli/args.ts';
import { runCommand, type CliContext } from '../../../src/hosted/cli/commands.ts';
import { systemClock } from '../../../src/clock.ts';
import { openSqliteStore } from '../../../src/store/sqlite/open-sqlite-store.ts';
import type { Store } from '../../../src/store/store.ts';

describe('operator CLI', () => {
  let store: Store;
  let out: string[];
  let err: string[];
  let stdin: string;
  let ctx: CliContext;
  let audit: Record<string, unknown>[];
  const sealingKey = randomBytes(32);

  beforeEach(() => {
    store = openSqliteStore({ file: ':memory:', sweepIntervalMs: 0 });
    out = [];
    err = [];
    stdin = '';
    audit = [];
    ctx = {
      io: { out: (line) => out.push(line), err: (line) => err.push(line), readStdin: async () => stdin },
      directory: async () => createAccountDirectory(store.accounts, systemClock),
      clients: () => [{ client_id: 'app', client_name: 'App', redirect_uris: ['https://app.example/cb'], first_party: true }],
      mfa: async () => composeMfa({
        issuer: 'http://127.0.0.1:1',
        directory: createAccountDirectory(store.accounts, systemClock),
        store,
        sealingKeys: [{ id: 't', key: sealingKey }],
        secrets: generatePurposeSecrets(),
        log: createJsonLogger((line) => audit.push(JSON.parse(line))),
      }),
    };
  });

  afterEach(() => store.close());

  const run = (...argv: string[]) => runCommand(parseArgs(argv, new Set(['password-stdin'])), ctx);

  test('user add reads the password from stdin, then user list shows the account', async () => {
    stdin = 'a good long password\n';
    expect(await run('user', 'add', '--email', ' Lin@Example.com', '--password-stdin', '--name', 'Lin')).toBe(0);
    expect(out[0]).toMatch(/^added lin@example\.com \(sub [\w-]+\)$/);
    const account = await store.accounts.findByEmail('lin@example.com');
    expect(account?.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
    out = [];
    expect(await run('user', 'list')).toBe(0);
    expect(out.join('\n')).toContain('lin@example.com\tLin');
    expect(out.join('\n')).not.toContain('argon2');
  });

  test.each([
    [['user', 'add', '--email', 'x@example.com'], 2, '--password-stdin is required'],
    [['user', 'add', '--password-stdin'], 2, '--email is required'],
    [['user', 'add', '--email', 'x@example.com', '--password-stdin', '--admin', 'yes'], 2, 'unknown option --admin'],
    [['user', 'remove', '--email', 'ghost@example.com'], 1, 'no account with email ghost@example.com'],
    [['user', 'frobnicate'], 2, 'unknown command: user frobnicate'],
  ])('%j exits %i with a message', async (argv, code, message) => {
    expect(await run(...argv)).toBe(code);
    expect(err.join('\n')).toContain(message);
    expect(await store.accounts.list()).toEqual([]);
  });

  test('a too-short password or a taken email is refused and changes nothing', async () => {
    stdin = 'short';
    expect(await run('user', 'add', '--email', 'x@example.com', '--password-stdin')).toBe(1);
    expect(err.join('\n')).toContain('PASSWORD_TOO_SHORT');
    expect(await store.accounts.list()).toEqual([]);
    stdin = 'a good long password';
    expect(await run('user', 'add', '--email', 'x@example.com', '--password-stdin')).toBe(0);
    expect(await run('user', 'add', '--email', 'X@example.com', '--password-stdin')).toBe(1);
    expect(err.join('\n')).toContain('EMAIL_TAKEN');
    expect(await store.accounts.list()).toHaveLength(1);
  });

  test('user remove and user set-password act on the account', async () => {
    stdin = 'a good long password';
    await run('user', 'add', '--email', 'x@example.com', '--password-stdin');
    const before = (await store.accounts.findByEmail('x@example.com'))!;
    stdin = 'another good password';
    expect(await run('user', 'set-password', '--email', 'x@example.com', '--password-stdin')).toBe(0);
    const after = (await store.accounts.findByEmail('x@example.com'))!;
    expect(after.passwordHash).not.toBe(before.passwordHash);
    expect(after.credentialsChangedAt).toBeGreaterThanOrEqual(before.credentialsChangedAt);
    expect(await run('user', 'remove', '--email', 'x@example.com')).toBe(0);
    expect(await store.accounts.list()).toEqual([]);
  });

  test('client list shows each registered app', async () => {
    expect(await run('client', 'list')).toBe(0);
    expect(out).toEqual(['app\tApp\thttps://app.example/cb\tfirst-party']);
  });

  test('mfa status shows methods and lockouts without secrets; mfa unlock clears a lock', async () => {
    stdin = 'a good long password';
    await run('user', 'add', '--email', 'x@example.com', '--password-stdin');
    const account = (await store.accounts.findByEmail('x@example.com'))!;
    const { service, guard } = await ctx.mfa();
    const sealed = service.startTotpSetup(account.id);
    await service.enrolTotp(account.id, sealed, 1, { how: 'security-page', device: 'test' });
    for (let i = 0; i < 5; i += 1) await guard.recordFailure(account.id, 'totp');
    out = [];
    expect(await run('mfa', 'status', '--email', 'x@example.com')).toBe(0);
    const text = out.join('\n');
    expect(text).toMatch(/mfa\s+on/);
    expect(text).toMatch(/totp\s+5 wrong in a row, LOCKED/);
    expect(text).not.toContain(sealed);
    expect(text).not.toMatch(/argon2|v1\./);
    expect(await run('mfa', 'unlock', '--email', 'x@example.com')).toBe(0);
    expect(await guard.isLocked(account.id, 'totp')).toBe(false);
    expect(await run('mfa', 'status', '--email', 'nobody@example.com')).toBe(1);
  });

  test('mfa status names each passkey and, for support, which key it is (synced or bound to one device), never its public key', async () => {
    stdin = 'a good long password';
    await run('user', 'add', '--email', 'keys@example.com', '--password-stdin');
    const account = (await store.accounts.findByEmail('keys@example.com'))!;
    const key = (credentialId: string, synced: boolean) => ({
      credentialId, publicKey: 'pQECAyYgASFYIPublicKeyBytes', counter: synced ? 0 : 17, transports: synced ? ['internal', 'hybrid'] : ['usb'],
      backupEligible: synced, backupState: synced, name: synced ? 'Phone' : 'Security key', hardwareBound: !synced,
    });
    const passkey = (id: string, credentialId: string, synced: boolean) =>
      ({ id, type: 'passkey' as const, setUp: { how: 'security-page' as const, device: 'Chrome on Linux' }, sealedSecret: null, lastAcceptedStep: null, phone: null, passkey: key(credentialId, synced) });
    expect(await store.mfa.addCredential(account.id, passkey('pk-1', 'c3luY2VkLWNyZWRlbnRpYWwtaWQ', true), 'hash', Date.now())).toBe(true);
    expect(await store.mfa.addCredential(account.id, passkey('pk-2', 'aGFyZHdhcmUta2V5LWlk', false), 'hash', Date.now())).toBe(true);
    out = [];
    expect(await run('mfa', 'status', '--email', 'keys@example.com')).toBe(0);
    const text = out.join('\n');
    expect(text).toMatch(/method\s+Passkey “Phone” \(default\)/);
    expect(text).toContain('credential c3luY2VkLWNy…, synced, internal/hybrid, counter 0');
    expect(text).toMatch(/method\s+Passkey “Security key”,/);
    expect(text).toContain('credential aGFyZHdhcmUt…, bound to one device, attested hardware, usb, counter 17');
    expect(text).not.toContain('PublicKeyBytes');
  });

  test('mfa reset turns MFA off, revokes trusted devices, ends sessions, and writes one audit event without secrets', async () => {
    stdin = 'a good long password';
    await run('user', 'add', '--email', 'lost@example.com', '--password-stdin');
    const account = (await store.accounts.findByEmail('lost@example.com'))!;
    const { service, trusted } = await ctx.mfa();
    const sealed = service.startTotpSetup(account.id);
    const backupCode = await service.enrolTotp(account.id, sealed, 1, { how: 'security-page', device: 'test' });
    const { token } = await trusted.trust(account.id, (await store.mfa.get(account.id))!.epoch, 'Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0');
    out = [];
    expect(await run('mfa', 'reset', '--email', 'lost@example.com')).toBe(2);
    expect(err.join('\n')).toContain('--reason is required');
    expect(await run('mfa', 'reset', '--email', 'lost@example.com', '--reason', 'ticket 4711: phone lost, identity checked')).toBe(0);
    expect(out.join('\n')).toContain('1 trusted device(s) revoked');
    const record = (await store.mfa.get(account.id))!;
    expect(record.credentials).toEqual([]);
    expect(record.backupCodeHash).toBeNull();
    expect(record.sessionsValidAfter).toBeGreaterThan(0);
    expect(await trusted.list(account.id)).toEqual([]);
    const events = audit.filter((line) => line.event === 'mfa.reset');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ audit: true, accountId: account.id, details: { reason: 'ticket 4711: phone lost, identity checked', by: 'cli' } });
    const everything = JSON.stringify(audit);
    for (const secret of [sealed, backupCode, token]) expect(everything).not.toContain(secret);
  });
});
