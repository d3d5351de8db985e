import type { Clock } from '../../clock.ts';
import type { TrustedDevice, TrustedDeviceStore } from '../../trusted-device/trusted-device-store.ts';
import {
  PRUNE_TRUSTED_DEVICES, REVOKE_ALL_TRUSTED_DEVICES, REVOKE_TRUSTED_DEVICE, SAVE_TRUSTED_DEVICE, TOUCH_TRUSTED_DEVICE,
} from './lua-trusted-device-scripts.ts';
import { FIND_HASH_BY_KEY, hashOf } from './lua-read-scripts.ts';
import { EXPIRY_SLACK_MS, runScript, type RedisClient } from './redis-script.ts';

export function toDevice(hash: Record<string, string>): TrustedDevice | undefined {
  // HGETALL answers {} for a missing key.
  if (hash.id === undefined || hash.tokenHash === undefined || hash.accountId === undefined || hash.expiresAt === undefined) {
    return undefined;
  }
  return {
    id: hash.id,
    tokenHash: hash.tokenHash,
    accountId: hash.accountId,
    epoch: Number(hash.epoch ?? 0),
    label: hash.label ?? '',
    createdAt: Number(hash.createdAt ?? 0),
    lastUsedAt: Number(hash.lastUsedAt ?? 0),
    expiresAt: Number(hash.expiresAt),
  };
}

/** Newest first; the id breaks ties in byte order (descending), as SQLite's BINARY collation does. */
export function newestFirst(a: TrustedDevice, b: TrustedDevice): number {
  return b.createdAt - a.createdAt || Buffer.compare(Buffer.from(b.id), Buffer.from(a.id));
}

/**
 * Trusted devices on Redis: one hash per device (trusted-device:<id>), a token hash -> id key
 * (trusted-device-token:<tokenHash>) and a set of ids per account (trusted-devices:<accountId>).
 * Like the transient store, expiry is judged by the injected clock (expiresAt); the real
 * PEXPIRE, a little later, only cleans up. Every change is a Lua script
 * (lua-trusted-device-scripts.ts), so the three keys never disagree for another instance.
 */
export function createRedisTrustedDevices(client: RedisClient, prefix: string, clock: Clock): TrustedDeviceStore {
  const devicePrefix = `${prefix}trusted-device:`;
  const tokenPrefix = `${prefix}trusted-device-token:`;
  const accountPrefix = `${prefix}trusted-devices:`;
  const deviceKey = (id: string) => `${devicePrefix}${id}`;
  const tokenKey = (tokenHash: string) => `${tokenPrefix}${tokenHash}`;
  const accountKey = (accountId: string) => `${accountPrefix}${accountId}`;

  return {
    async save(device) {
      const ttlMs = Math.max(1, Math.ceil(device.expiresAt - clock()) + EXPIRY_SLACK_MS);
      await runScript(client, SAVE_TRUSTED_DEVICE, [deviceKey(device.id), tokenKey(device.tokenHash), accountKey(device.accountId)], [
        device.id, device.tokenHash, device.accountId, String(device.epoch), device.label, String(device.createdAt),
        String(device.lastUsedAt), String(device.expiresAt), String(ttlMs), devicePrefix, tokenPrefix, accountPrefix,
      ]);
    },
    async findByTokenHash(tokenHash) {
      // The token's index and the device it names in one script: one command, one moment.
      const device = toDevice(hashOf(await runScript(client, FIND_HASH_BY_KEY, [tokenKey(tokenHash)], [devicePrefix])));
      // An index left behind by a device since replaced names another token's device: not this one.
      return device?.tokenHash === tokenHash && device.expiresAt > clock() ? device : undefined;
    },
    async listForAccount(accountId) {
      // Not one snapshot: a device revoked meanwhile is skipped, which is all a listing needs.
      const ids = await client.sMembers(accountKey(accountId));
      const devices = await Promise.all(ids.map(async (id) => toDevice(await client.hGetAll(deviceKey(id)))));
      const stale = ids.filter((id, index) => devices[index]?.accountId !== accountId);
      if (stale.length > 0) await runScript(client, PRUNE_TRUSTED_DEVICES, [accountKey(accountId)], [accountId, devicePrefix, ...stale]);
      const now = clock();
      return devices
        .filter((device): device is TrustedDevice => device?.accountId === accountId && device.expiresAt > now)
        .sort(newestFirst);
    },
    async touch(id, now) {
      await runScript(client, TOUCH_TRUSTED_DEVICE, [deviceKey(id)], [String(now)]);
    },
    async revoke(accountId, id) {
      return (await runScript(client, REVOKE_TRUSTED_DEVICE, [deviceKey(id), accountKey(accountId)],
        [id, accountId, String(clock()), tokenPrefix])) === 1;
    },
    async revokeAll(accountId) {
      return Number(await runScript(client, REVOKE_ALL_TRUSTED_DEVICES, [accountKey(accountId)],
        [accountId, String(clock()), devicePrefix, tokenPrefix]));
    },
  };
}
