import { createAccountDirectory } from '../account-directory.ts';
import { systemClock } from '../../clock.ts';
import { ConfigError } from '../../config/config-error.ts';
import { loadConfig } from '../config/load-config.ts';
import type { Config } from '../config/schema.ts';
import { demoBaseUrl, demoClientMetadata } from '../demo/demo-client.ts';
import { loadClients } from '../provider/load-clients.ts';
import { openStore } from '../open-store.ts';
import type { Store } from '../../store/store.ts';
import { loadKeys } from '../config/keys.ts';
import { createJsonLogger } from '../../log.ts';
import { composeMfa } from '../../plugin/create-mfa.ts';
import { createMailSender } from '../mail/create-mail-sender.ts';
import { parseArgs, UsageError } from './args.ts';
import { runCommand, USAGE } from './commands.ts';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Operator commands against the same config and store as the running provider. */
async function main(): Promise<number> {
  let args;
  try {
    args = parseArgs(process.argv.slice(2), new Set(['password-stdin', 'force']));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`error: ${error.message}\n\n${USAGE}`);
    return 2;
  }
  // Read on first use: `keys generate` needs no configuration (it makes KEYS_FILE, which production requires).
  let loaded: Config | undefined;
  const config = () => (loaded ??= loadConfig());
  let store: Store | undefined;
  let composed: ReturnType<typeof composeMfa> | undefined;
  try {
    return await runCommand(args, {
      io: { out: (line) => console.log(line), err: (line) => console.error(line), readStdin },
      async directory() {
        store ??= await openStore(config());
        const opened = store;
        return createAccountDirectory(opened.accounts, systemClock, (accountId) => opened.mfa.remove(accountId));
      },
      async mfa() {
        store ??= await openStore(config());
        const keys = loadKeys(config());
        const opened = store;
        const directory = createAccountDirectory(opened.accounts, systemClock, (accountId) => opened.mfa.remove(accountId));
        // Audit lines go to stderr, so stdout stays the command's answer.
        const log = createJsonLogger((line) => process.stderr.write(line));
        const mailer = createMailSender(config().mail, log);
        composed ??= composeMfa({
          issuer: config().issuer, directory, store: opened, sealingKeys: keys.sealingKeys, secrets: keys.secrets, settings: config().mfa, log,
          // Support's changes (a reset, a new password) are mailed to the owner like any other.
          onSecurityNotice: mailer && ((notice) => mailer.send(notice)),
        });
        return composed;
      },
      clients() {
        const clients = loadClients(config().clientsFile);
        if (config().demoApp.enabled) clients.push(demoClientMetadata(demoBaseUrl(config())));
        return clients as ReturnType<Parameters<typeof runCommand>[1]['clients']>;
      },
    });
  } finally {
    // The notices of what the command did leave before the store closes and the process exits.
    await composed?.audit.flush();
    await store?.close();
  }
}

main().then((code) => process.exit(code), (error: unknown) => {
  console.error(error instanceof ConfigError ? `error: ${error.message}` : `error: ${(error as Error).message}`);
  process.exit(1);
});
