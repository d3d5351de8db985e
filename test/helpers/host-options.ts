import { randomBytes } from 'node:crypto';
import type { MfaPluginOptions } from '../../src/index.ts';

/**
 * The options a host must give createMfa(), for tests of option checking: the store and directory
 * are never reached when an option is refused, so they are empty stand-ins.
 */
export function hostOptions(over: Partial<MfaPluginOptions> = {}): MfaPluginOptions {
  return {
    issuer: 'https://id.host.example',
    directory: { authenticate: async () => undefined, findById: async () => undefined },
    store: {} as MfaPluginOptions['store'],
    sealingKeys: [{ id: 'host-k1', key: randomBytes(32) }],
    secrets: {
      csrf: ['a host CSRF secret that is long enough'],
      textCodes: ['a host text-code secret, long enough too'],
      trustedDevices: ['a host trusted-device secret, long enough'],
      loginDevices: ['a host device-cookie secret, long enough'],
    },
    ...over,
  };
}
