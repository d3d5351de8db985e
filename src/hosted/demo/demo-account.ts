import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { AccountDirectory } from '../account-directory.ts';

export interface DemoAccount {
  email: string;
  password: string;
}

/**
 * Development only: a demo account whose random password is kept in DATA_DIR (mode 0600) so it
 * can be printed at every start. Never called when NODE_ENV=production.
 */
export async function ensureDemoAccount(directory: AccountDirectory, dataDir: string): Promise<DemoAccount> {
  const file = path.join(dataDir, 'demo-account.json');
  let demo: DemoAccount;
  if (existsSync(file)) {
    demo = JSON.parse(readFileSync(file, 'utf8')) as DemoAccount;
  } else {
    demo = { email: 'demo@example.com', password: randomBytes(9).toString('base64url') };
    writeFileSync(file, JSON.stringify(demo), { mode: 0o600 });
  }
  if (!(await directory.findByEmail(demo.email))) {
    await directory.add({ email: demo.email, password: demo.password, name: 'Demo Person', emailVerified: true });
  }
  return demo;
}
