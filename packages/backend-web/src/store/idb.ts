/** A few promises over IndexedDB: one database, a store per kind of record, one transaction per call. */

export const STORES = ['runs', 'checkpoints', 'models'] as const;
export type StoreName = (typeof STORES)[number];

const VERSION = 1;

export function openDatabase(name: string): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(name, VERSION);
    req.onupgradeneeded = () => {
      for (const s of STORES) if (!req.result.objectStoreNames.contains(s)) req.result.createObjectStore(s);
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
    req.onblocked = () => reject(new Error(`IndexedDB ${name}: an older version is open in another tab`));
  });
}

const done = (tx: IDBTransaction) =>
  new Promise<void>((resolve, reject) => {
    tx.oncomplete = () => resolve();
    // the failed request's error (ConstraintError for an existing key): tx.error is still null while the error event runs
    tx.onerror = (e) => reject((e.target as IDBRequest | null)?.error ?? tx.error ?? new Error('IndexedDB request failed'));
    tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
  });

const result = <T>(req: IDBRequest<T>) =>
  new Promise<T>((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });

export async function get<T>(db: IDBDatabase, store: StoreName, key: string): Promise<T | undefined> {
  const tx = db.transaction(store, 'readonly');
  return (await result(tx.objectStore(store).get(key))) as T | undefined;
}

/** Writes a record whole: a reader sees the old value or the new one, never part of it. */
export async function put(db: IDBDatabase, store: StoreName, key: string, value: unknown): Promise<void> {
  const tx = db.transaction(store, 'readwrite');
  tx.objectStore(store).put(value, key);
  await done(tx);
}

/** Adds a record; rejects (ConstraintError) when the key exists: nothing is ever overwritten. */
export async function add(db: IDBDatabase, store: StoreName, key: string, value: unknown): Promise<void> {
  const tx = db.transaction(store, 'readwrite');
  tx.objectStore(store).add(value, key);
  await done(tx);
}

/** Reads, changes and writes one record in one transaction. */
export async function update<T>(db: IDBDatabase, store: StoreName, key: string, change: (old: T) => T): Promise<void> {
  const tx = db.transaction(store, 'readwrite');
  const s = tx.objectStore(store);
  const old = (await result(s.get(key))) as T | undefined;
  if (old === undefined) {
    tx.abort();
    throw new Error(`IndexedDB ${store}: no record ${key}`);
  }
  s.put(change(old), key);
  await done(tx);
}

export async function keys(db: IDBDatabase, store: StoreName): Promise<string[]> {
  const tx = db.transaction(store, 'readonly');
  return (await result(tx.objectStore(store).getAllKeys())) as string[];
}
