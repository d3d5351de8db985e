import { AsyncLocalStorage } from 'node:async_hooks';
import type { Middleware } from 'koa';
import type { Adapter, AdapterFactory, AdapterPayload } from 'oidc-provider';
import type { MfaRecord, MfaStore } from '../mfa/mfa-store.ts';
import type { DirectoryAccount, UserDirectory } from './user-directory.ts';

/**
 * One load of an account's security state per request. A sign-in step asks "who is this, what
 * factors, since when is a session valid" from several places (the password step, the trusted
 * device, the Prompt's checks, findAccount), and each used to reload the same records: a password
 * + app sign-in read the MFA record 8 times. Within one HTTP request a read is now made once and
 * shared; any write to that account through the same port forgets it, so a request never acts on
 * what it changed itself. Outside a request (the CLI, tests calling services) nothing is kept.
 */
const scope = new AsyncLocalStorage<Map<string, Promise<unknown>>>();

/** The first middleware: everything below it, oidc-provider's own endpoints included, shares one scope. */
export function requestScope(): Middleware {
  return (_ctx, next) => scope.run(new Map(), next);
}

function remembered<T>(key: string, load: () => Promise<T>): Promise<T> {
  const memo = scope.getStore();
  if (!memo) return load();
  const kept = memo.get(key) as Promise<T> | undefined;
  if (kept) return kept;
  const loading = load();
  memo.set(key, loading);
  // A failed read is not kept: the next caller tries again (and meets the same 503 if the store is down).
  loading.catch(() => memo.delete(key));
  return loading;
}

/** The names an account's reads are shared under: memoizedDirectory's findById and memoizedMfaStore's get, and readTogether for both. */
const accountKey = (accountId: string) => `account:${accountId}`;
const mfaKey = (accountId: string) => `mfa:${accountId}`;

/** An account and its MFA record, read in one call (the hosted provider's AccountStateStore); `account` is what the directory's findById answers. */
export type ReadAccountWithMfa = (accountId: string) => Promise<{ account: DirectoryAccount | undefined; mfa: MfaRecord | undefined }>;

/**
 * About to read an account and its MFA record both: when neither was read yet in this request,
 * `read` loads them in one call, and each is then shared exactly as if read alone. Outside a
 * request, or once either was read, nothing is done (the two reads go as before).
 */
export function readTogether(accountId: string, read: ReadAccountWithMfa): void {
  const memo = scope.getStore();
  if (!memo || memo.has(accountKey(accountId)) || memo.has(mfaKey(accountId))) return;
  const both = read(accountId);
  // Each part fails with the read (and is forgotten by remembered()); neither is an unhandled rejection.
  void remembered(accountKey(accountId), () => both.then((state) => state.account)).catch(() => {});
  void remembered(mfaKey(accountId), () => both.then((state) => state.mfa)).catch(() => {});
}

function forget(key: string): void {
  scope.getStore()?.delete(key);
}

function forgetStartingWith(prefix: string): void {
  const memo = scope.getStore();
  if (!memo) return;
  for (const key of memo.keys()) if (key.startsWith(prefix)) memo.delete(key);
}

/** A payload as read, handed out once as itself, then as copies of how it was when loaded. */
interface LoadedPayload {
  payload: AdapterPayload | undefined;
  json: string | undefined;
  handedOut: boolean;
}

const loaded = (payload: AdapterPayload | undefined): LoadedPayload => ({ payload, json: payload && JSON.stringify(payload), handedOut: false });

function handOut(entry: LoadedPayload): AdapterPayload | undefined {
  if (!entry.handedOut) {
    entry.handedOut = true;
    return entry.payload;
  }
  return entry.json === undefined ? undefined : (JSON.parse(entry.json) as AdapterPayload);
}

/**
 * oidc-provider's adapter with its reads shared within a request. One request loads the same
 * model more than once: a sign-in step reads the Interaction (interactionDetails), then
 * interactionResult reads it again before saving the result; the consent step reads the Session
 * twice through the interaction. Each later read is answered from the first, as a copy (a model
 * changes the payload it is built from): the first reader gets the payload the store made, the
 * others a copy of it as it was loaded (its JSON, taken before anyone could change it: a payload
 * is what the store keeps as JSON, and a parse is cheaper than structuredClone). Any write to a
 * model in this request (upsert, consume, destroy) forgets every read of that model, and
 * revokeByGrantId forgets every read, so a request always reads back what it wrote. What another instance writes between two reads of one request
 * is seen by the next request, as it would be had the two reads come a few microseconds apart.
 */
export function memoizedAdapterFactory(factory: AdapterFactory): AdapterFactory {
  return (model: string): Adapter => {
    const adapter = factory(model);
    const prefix = `adapter:${model}:`;
    const read = (kind: string, value: string, load: () => Promise<AdapterPayload | undefined | void>) =>
      remembered(`${prefix}${kind}:${value}`, async () => loaded((await load()) ?? undefined)).then(handOut);
    const writing = <A extends unknown[]>(write: (...args: A) => Promise<undefined | void>, forgetting = prefix) => async (...args: A) => {
      forgetStartingWith(forgetting);
      try {
        return await write(...args);
      } finally {
        forgetStartingWith(forgetting);
      }
    };
    return {
      find: (id) => read('id', id, () => adapter.find(id)),
      findByUid: (uid) => read('uid', uid, () => adapter.findByUid(uid)),
      findByUserCode: (userCode) => read('user-code', userCode, () => adapter.findByUserCode(userCode)),
      upsert: writing(adapter.upsert.bind(adapter)),
      consume: writing(adapter.consume.bind(adapter)),
      destroy: writing(adapter.destroy.bind(adapter)),
      // Deletes codes and tokens of several models.
      revokeByGrantId: writing(adapter.revokeByGrantId.bind(adapter), 'adapter:'),
    };
  };
}

/** The MFA port, its reads shared within a request; every write forgets that account's record first and after. */
export function memoizedMfaStore(store: MfaStore): MfaStore {
  const key = mfaKey;
  const writing = <A extends [string, ...unknown[]], R>(write: (...args: A) => Promise<R>) => async (...args: A): Promise<R> => {
    forget(key(args[0]));
    try {
      return await write(...args);
    } finally {
      forget(key(args[0]));
    }
  };
  return {
    get: (accountId) => remembered(key(accountId), () => store.get(accountId)),
    addCredential: writing(store.addCredential.bind(store)),
    removeCredential: writing(store.removeCredential.bind(store)),
    setDefaultCredential: writing(store.setDefaultCredential.bind(store)),
    acceptTotpStep: writing(store.acceptTotpStep.bind(store)),
    touchCredential: writing(store.touchCredential.bind(store)),
    acceptPasskeyUse: writing(store.acceptPasskeyUse.bind(store)),
    renamePasskey: writing(store.renamePasskey.bind(store)),
    swapBackupCode: writing(store.swapBackupCode.bind(store)),
    raiseEpoch: writing(store.raiseEpoch.bind(store)),
    disable: writing(store.disable.bind(store)),
    remove: writing(store.remove.bind(store)),
  };
}

/**
 * The host's directory with findById shared within a request (authenticate is never kept). Its
 * other methods are the host's own; as any of them may change an account (a new password, a
 * removal), calling one forgets every account read in this request. The same key everywhere, so
 * the plugin and the host's findAccount share one read.
 */
export function memoizedDirectory<D extends UserDirectory>(directory: D): D {
  return new Proxy(directory, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (property === 'findById') return (id: string) => remembered(accountKey(id), () => target.findById(id));
      if (property === 'authenticate' || typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        forgetAccounts();
        const result = (value as (...a: unknown[]) => unknown).apply(target, args);
        // Sync methods (claims) stay sync; a promise forgets again once the change is made.
        if (result instanceof Promise) return result.finally(forgetAccounts);
        return result;
      };
    },
  });
}

function forgetAccounts(): void {
  const memo = scope.getStore();
  if (!memo) return;
  for (const key of memo.keys()) if (key.startsWith('account:')) memo.delete(key);
}
