import type { DatabaseSync } from 'node:sqlite';
import type { Adapter, AdapterFactory, AdapterPayload } from 'oidc-provider';
import type { Clock } from '../../clock.ts';
import { ACCOUNT_MODELS, GRANTABLE_MODELS } from '../store.ts';

interface ModelRow {
  payload: string;
  consumed_at: number | null;
}

const LIVE = '(expires_at IS NULL OR expires_at > ?)';

/** oidc-provider's storage adapter on SQLite: one table for every model, keyed by (model, id). */
export function createSqliteAdapterFactory(db: DatabaseSync, clock: Clock): AdapterFactory {
  const upsert = db.prepare(`INSERT INTO oidc_model (model, id, payload, grant_id, account_id, user_code, uid, expires_at, consumed_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL)
    ON CONFLICT (model, id) DO UPDATE SET payload = excluded.payload, grant_id = excluded.grant_id, account_id = excluded.account_id,
      user_code = excluded.user_code, uid = excluded.uid, expires_at = excluded.expires_at, consumed_at = NULL`);
  const findById = db.prepare(`SELECT payload, consumed_at FROM oidc_model WHERE model = ? AND id = ? AND ${LIVE}`);
  const findByUid = db.prepare(`SELECT payload, consumed_at FROM oidc_model WHERE model = ? AND uid = ? AND ${LIVE}`);
  const findByUserCode = db.prepare(`SELECT payload, consumed_at FROM oidc_model WHERE model = ? AND user_code = ? AND ${LIVE}`);
  const consume = db.prepare(`UPDATE oidc_model SET consumed_at = ? WHERE model = ? AND id = ? AND consumed_at IS NULL AND ${LIVE}`);
  const destroy = db.prepare('DELETE FROM oidc_model WHERE model = ? AND id = ?');
  const grantModels = [...GRANTABLE_MODELS].map(() => '?').join(', ');
  const revokeByGrantId = db.prepare(`DELETE FROM oidc_model WHERE grant_id = ? AND model IN (${grantModels})`);

  const toPayload = (row: unknown): AdapterPayload | undefined => {
    if (!row) return undefined;
    const { payload, consumed_at } = row as ModelRow;
    const parsed = JSON.parse(payload) as AdapterPayload;
    // oidc-provider reads `consumed` as a truthy marker; seconds since the epoch, like its own timestamps.
    return consumed_at === null ? parsed : { ...parsed, consumed: Math.floor(consumed_at / 1000) };
  };

  return (model: string): Adapter => {
    // Grants, codes and tokens are indexed by account (sqlite-grants.ts revokes them); sessions are not.
    const indexedByAccount = ACCOUNT_MODELS.has(model);
    return {
      async upsert(id, payload, expiresIn) {
        const expiresAt = typeof expiresIn === 'number' ? clock() + expiresIn * 1000 : null;
        const accountId = indexedByAccount && typeof payload.accountId === 'string' ? payload.accountId : null;
        upsert.run(model, id, JSON.stringify(payload), payload.grantId ?? null, accountId, payload.userCode ?? null, payload.uid ?? null, expiresAt);
      },
      async find(id) {
        return toPayload(findById.get(model, id, clock()));
      },
      async findByUid(uid) {
        return toPayload(findByUid.get(model, uid, clock()));
      },
      async findByUserCode(userCode) {
        return toPayload(findByUserCode.get(model, userCode, clock()));
      },
      async consume(id) {
        const now = clock();
        consume.run(now, model, id, now);
      },
      async destroy(id) {
        destroy.run(model, id);
      },
      async revokeByGrantId(grantId) {
        revokeByGrantId.run(grantId, ...GRANTABLE_MODELS);
      },
    };
  };
}
