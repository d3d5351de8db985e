import type { Clock } from '../../../clock.ts';
import type { TrustedDevice, TrustedDeviceStore } from '../../../trusted-device/trusted-device-store.ts';
import { TOUCH_TRUSTED_DEVICE } from '../lua-trusted-device-scripts.ts';
import { newestFirst, toDevice } from '../redis-trusted-devices.ts';
import { EXPIRY_SLACK_MS, runScript, type RedisClient } from '../redis-script.ts';
import type { ClusterKeys } from './cluster-keys.ts';
import { ADD_TO_SET, DELETE_DEVICE_OF, DELETE_IF_EQUAL, REPLACE_DEVICE } from './cluster-scripts.ts';

/**
 * Trusted devices on a Redis Cluster: the same device hash, token index and per-account set as
 * redis-trusted-devices.ts, each in its own slot (the set in the account's). A device is written
 * first and its token index after, so a token found through the index always names a device that
 * holds it (findByTokenHash checks, as on one Redis); a revocation deletes the device first, so
 * from that moment its token finds nothing, whatever step fails after.
 */
export function createClusterTrustedDevices(client: RedisClient, keys: ClusterKeys, clock: Clock): TrustedDeviceStore {
  async function forget(accountId: string, id: string): Promise<boolean> {
    const deleted = await runScript(client, DELETE_DEVICE_OF, [keys.device(id)], [accountId, String(clock())]) as [number, string | null] | null;
    if (!deleted) return false;
    const [live, tokenHash] = deleted;
    await Promise.all([
      tokenHash ? runScript(client, DELETE_IF_EQUAL, [keys.deviceToken(tokenHash)], [id]) : undefined,
      client.sRem(keys.trustedDevicesOf(accountId), id),
    ]);
    return live === 1;
  }

  return {
    async save(device) {
      const ttlMs = Math.max(1, Math.ceil(device.expiresAt - clock()) + EXPIRY_SLACK_MS);
      const tokenKey = keys.deviceToken(device.tokenHash);
      // A token hash still held by another device is refused, as SQLite's UNIQUE constraint does.
      const holder = await client.get(tokenKey);
      if (holder !== null && holder !== device.id && (await client.exists(keys.device(holder))) === 1) {
        throw new Error('trusted device token hash already in use');
      }
      const [oldToken, oldAccount] = await runScript(client, REPLACE_DEVICE, [keys.device(device.id)], [
        device.id, device.tokenHash, device.accountId, String(device.epoch), device.label, String(device.createdAt),
        String(device.lastUsedAt), String(device.expiresAt), String(ttlMs),
      ]) as (string | null)[];
      await Promise.all([
        client.set(tokenKey, device.id, { PX: ttlMs }),
        runScript(client, ADD_TO_SET, [keys.trustedDevicesOf(device.accountId)], [device.id, String(ttlMs)]),
        oldToken && oldToken !== device.tokenHash ? runScript(client, DELETE_IF_EQUAL, [keys.deviceToken(oldToken)], [device.id]) : undefined,
        oldAccount && oldAccount !== device.accountId ? client.sRem(keys.trustedDevicesOf(oldAccount), device.id) : undefined,
      ]);
    },
    async findByTokenHash(tokenHash) {
      const id = await client.get(keys.deviceToken(tokenHash));
      const device = id === null ? undefined : toDevice(await client.hGetAll(keys.device(id)));
      // An index left behind by a device since replaced names another token's device: not this one.
      return device?.tokenHash === tokenHash && device.expiresAt > clock() ? device : undefined;
    },
    async listForAccount(accountId) {
      const set = keys.trustedDevicesOf(accountId);
      const ids = await client.sMembers(set);
      const devices = await Promise.all(ids.map(async (id) => toDevice(await client.hGetAll(keys.device(id)))));
      const stale = ids.filter((id, index) => devices[index]?.accountId !== accountId);
      if (stale.length) {
        await client.sRem(set, stale);
        // A device saved for the account meanwhile keeps its place (for as long as it lives).
        await Promise.all(stale.map(async (id) => {
          const [owner, expiresAt] = await client.hmGet(keys.device(id), ['accountId', 'expiresAt']);
          if (owner !== accountId) return;
          await runScript(client, ADD_TO_SET, [set], [id, String(Math.max(1, Number(expiresAt) - clock() + EXPIRY_SLACK_MS))]);
        }));
      }
      const now = clock();
      return devices.filter((device): device is TrustedDevice => device?.accountId === accountId && device.expiresAt > now).sort(newestFirst);
    },
    async touch(id, now) {
      await runScript(client, TOUCH_TRUSTED_DEVICE, [keys.device(id)], [String(now)]);
    },
    revoke: forget,
    async revokeAll(accountId) {
      const set = keys.trustedDevicesOf(accountId);
      const ids = await client.sMembers(set);
      const live = await Promise.all(ids.map((id) => forget(accountId, id)));
      if (ids.length) await client.sRem(set, ids);
      return live.filter(Boolean).length;
    },
  };
}
