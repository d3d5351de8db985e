import { generateKeysFile } from '../config/keys.ts';
import { assertOnlyOptions, UsageError, type ParsedArgs } from './args.ts';
import type { CliContext } from './cli-context.ts';
import { SecretFileError, writeSecretFile } from './secret-file.ts';

type Command = (args: ParsedArgs, ctx: CliContext) => Promise<number>;

/** Replacing the keys of a running deployment loses what they protect: said before --force is offered. */
const REPLACING = 'replacing it signs everyone out and makes every authenticator app set up under its sealing key unusable; pass --force only if that is what you want';

/** Keys need no configuration: `keys generate` works before ISSUER or KEYS_FILE are set (it is what makes KEYS_FILE). */
export const KEYS_COMMANDS: Record<string, Command> = {
  async 'keys generate'(args, ctx) {
    assertOnlyOptions(args, ['out', 'force']);
    const out = args.options.get('out');
    const force = args.options.get('force') === true;
    const content = `${JSON.stringify(generateKeysFile(), null, 2)}\n`;
    if (out === undefined) {
      if (force) ctx.io.err('note: --force only applies with --out');
      // Standard output, for a secret manager's pipe. `npm run` prints its banner there too: use --silent, or --out.
      ctx.io.out(content.trimEnd());
      return 0;
    }
    if (typeof out !== 'string' || out.trim() === '') throw new UsageError('--out needs a file name');
    try {
      const written = writeSecretFile(out, content, { force });
      ctx.io.out(`wrote new keys to ${written} (mode 0600, readable by this user only); start the provider with KEYS_FILE=${written}`);
      return 0;
    } catch (error) {
      if (!(error instanceof SecretFileError)) throw error;
      const exists = error.message.endsWith('already exists');
      ctx.io.err(`error: ${error.message}${exists ? `: ${REPLACING}` : ''}`);
      return 1;
    }
  },
};
