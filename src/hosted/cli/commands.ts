import { AppError } from '../../errors.ts';
import type { CliContext, CliIo } from './cli-context.ts';
import { assertOnlyOptions, requireOption, UsageError, type ParsedArgs } from './args.ts';
import { KEYS_COMMANDS } from './keys-commands.ts';
import { MFA_COMMANDS } from './mfa-commands.ts';

export type { CliContext, CliIo } from './cli-context.ts';

export const USAGE = `Usage: npm run --silent cli -- <command>

  user add --email E --password-stdin [--name N]   add an account (password read from standard input)
  user list                                         list accounts
  user remove --email E                             remove an account
  user set-password --email E --password-stdin      set a new password (ends the account's sessions and tokens)
  client list                                       list registered relying apps
  mfa status --email E                              an account's second factors and lockouts (no secrets)
  mfa unlock --email E                              clear a locked second factor
  mfa reset --email E --reason "…"                  support recovery: MFA off, trusted devices, sessions and tokens ended
  keys generate --out FILE [--force]                write a new keys file for KEYS_FILE (mode 0600; never replaces one without --force)
  keys generate                                     print a new keys file on standard output (with npm run, add --silent)`;

/** One line of stdin, without its line ending: `printf %s "$PW" | npm run cli -- user add ...` or a pipe with a newline. */
async function passwordFromStdin(args: ParsedArgs, io: CliIo): Promise<string> {
  if (args.options.get('password-stdin') !== true) throw new UsageError('--password-stdin is required (passwords are never taken as arguments: they would show in the process list and shell history)');
  const input = await io.readStdin();
  return input.replace(/\r?\n$/, '');
}

type Command = (args: ParsedArgs, ctx: CliContext) => Promise<number>;

const COMMANDS: Record<string, Command> = {
  ...MFA_COMMANDS,
  ...KEYS_COMMANDS,
  async 'user add'(args, ctx) {
    assertOnlyOptions(args, ['email', 'password-stdin', 'name']);
    const email = requireOption(args, 'email');
    const password = await passwordFromStdin(args, ctx.io);
    const name = args.options.get('name');
    const record = await (await ctx.directory()).add({ email, password, name: typeof name === 'string' ? name : undefined });
    ctx.io.out(`added ${record.email} (sub ${record.id})`);
    return 0;
  },

  async 'user list'(args, ctx) {
    assertOnlyOptions(args, []);
    const accounts = await (await ctx.directory()).list();
    if (accounts.length === 0) ctx.io.out('no accounts');
    for (const account of accounts) {
      ctx.io.out(`${account.email}\t${account.name}\tsub=${account.id}\tcreated=${new Date(account.createdAt).toISOString()}`);
    }
    return 0;
  },

  async 'user remove'(args, ctx) {
    assertOnlyOptions(args, ['email']);
    const email = requireOption(args, 'email');
    if (!(await (await ctx.directory()).remove(email))) {
      ctx.io.err(`error: no account with email ${email}`);
      return 1;
    }
    ctx.io.out(`removed ${email}`);
    return 0;
  },

  async 'user set-password'(args, ctx) {
    assertOnlyOptions(args, ['email', 'password-stdin']);
    const email = requireOption(args, 'email');
    const password = await passwordFromStdin(args, ctx.io);
    const directory = await ctx.directory();
    const account = await directory.findByEmail(email);
    if (!account || !(await directory.setPassword(email, password))) {
      ctx.io.err(`error: no account with email ${email}`);
      return 1;
    }
    (await ctx.mfa()).audit({ event: 'account.password.changed', accountId: account.id, details: { by: 'cli' } });
    ctx.io.out(`password changed for ${email}; its sessions must sign in again and its apps' tokens no longer work`);
    return 0;
  },

  async 'client list'(args, ctx) {
    assertOnlyOptions(args, []);
    const clients = ctx.clients();
    if (clients.length === 0) ctx.io.out('no clients registered');
    for (const client of clients) {
      ctx.io.out(`${client.client_id}\t${client.client_name ?? ''}\t${(client.redirect_uris ?? []).join(' ')}${client.first_party ? '\tfirst-party' : ''}`);
    }
    return 0;
  },
};

/** Runs one command; returns the exit code. Bad input: a message and exit code 2 (usage) or 1 (refused). */
export async function runCommand(args: ParsedArgs, ctx: CliContext): Promise<number> {
  const command = COMMANDS[args.words.join(' ')];
  if (!command) {
    ctx.io.err(args.words.length ? `unknown command: ${args.words.join(' ')}\n\n${USAGE}` : USAGE);
    return 2;
  }
  try {
    return await command(args, ctx);
  } catch (error) {
    if (error instanceof UsageError) {
      ctx.io.err(`error: ${error.message}\n\n${USAGE}`);
      return 2;
    }
    if (error instanceof AppError) {
      ctx.io.err(`error: ${error.message} (${error.code})`);
      return 1;
    }
    throw error;
  }
}
