import type { DatabaseSync } from 'node:sqlite';
import type { Clock } from '../../clock.ts';
import type { TrustedDevice, TrustedDeviceStore } from '../../trusted-device/trusted-device-store.ts';

interface TrustedDeviceRow {
  id: string;
  token_hash: string;
  account_id: string;
  epoch: number;
  label: string;
  created_at: number;
  last_used_at: number;
  expires_at: number;
}

function toDevice(row: TrustedDeviceRow): TrustedDevice {
  return {
    id: row.id,
    tokenHash: row.token_hash,
    accountId: row.account_id,
    epoch: row.epoch,
    label: row.label,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    expiresAt: row.expires_at,
  };
}

/**
 * Trusted devices in the trusted_device table. Expiry is judged by the injected clock on every
 * read; the sweeper (open-sqlite-store.ts) deletes expired rows later. save replaces a device with
 * the same id; a token hash held by another device is refused (token_hash is UNIQUE).
 */
export function createSqliteTrustedDevices(db: DatabaseSync, clock: Clock): TrustedDeviceStore {
  const save = db.prepare(`INSERT INTO trusted_device (id, token_hash, account_id, epoch, label, created_at, last_used_at, expires_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (id) DO UPDATE SET token_hash = excluded.token_hash, account_id = excluded.account_id, epoch = excluded.epoch,
      label = excluded.label, created_at = excluded.created_at, last_used_at = excluded.last_used_at, expires_at = excluded.expires_at`);
  const byTokenHash = db.prepare('SELECT * FROM trusted_device WHERE token_hash = ? AND expires_at > ?');
  // id breaks ties in byte order, as the Redis store does, so both list alike.
  const forAccount = db.prepare('SELECT * FROM trusted_device WHERE account_id = ? AND expires_at > ? ORDER BY created_at DESC, id DESC');
  const touch = db.prepare('UPDATE trusted_device SET last_used_at = ? WHERE id = ?');
  const revoke = db.prepare('DELETE FROM trusted_device WHERE id = ? AND account_id = ? RETURNING expires_at');
  const revokeAll = db.prepare('DELETE FROM trusted_device WHERE account_id = ? RETURNING expires_at');

  return {
    async save(device) {
      save.run(device.id, device.tokenHash, device.accountId, device.epoch, device.label, device.createdAt,
        device.lastUsedAt, device.expiresAt);
    },
    async findByTokenHash(tokenHash) {
      const row = byTokenHash.get(tokenHash, clock()) as TrustedDeviceRow | undefined;
      return row ? toDevice(row) : undefined;
    },
    async listForAccount(accountId) {
      return (forAccount.all(accountId, clock()) as unknown as TrustedDeviceRow[]).map(toDevice);
    },
    async touch(id, now) {
      touch.run(now, id);
    },
    // An expired row still waiting for the sweeper goes as well, but was already gone: it does not count.
    async revoke(accountId, id) {
      const row = revoke.get(id, accountId) as { expires_at: number } | undefined;
      return row !== undefined && row.expires_at > clock();
    },
    async revokeAll(accountId) {
      const now = clock();
      return (revokeAll.all(accountId) as unknown as { expires_at: number }[]).filter((row) => row.expires_at > now).length;
    },
  };
}
