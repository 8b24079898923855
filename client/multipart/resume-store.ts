/**
 * Remembers unfinished multipart uploads in IndexedDB, keyed by the file's name, size and
 * last-modified time, so picking the same file after a reload or a browser restart resumes it.
 * Browser-only. Every call is best effort: private windows may refuse IndexedDB.
 */
const DB_NAME = "uploads";
const STORE = "multipart";

export type ResumableFile = { name: string; size: number; lastModified: number };
export type ResumeRecord = { fingerprint: string; fileId: string; name: string; size: number; savedAt: number };

export function fingerprintOf(file: ResumableFile): string {
  return JSON.stringify([file.name, file.size, file.lastModified]);
}

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: "fingerprint" });
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function withStore<T>(mode: IDBTransactionMode, run: (store: IDBObjectStore) => IDBRequest<T>): Promise<T | null> {
  try {
    const db = await open();
    return await new Promise<T>((resolve, reject) => {
      const request = run(db.transaction(STORE, mode).objectStore(STORE));
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    }).finally(() => db.close());
  } catch {
    return null;
  }
}

export async function findResumable(file: ResumableFile): Promise<ResumeRecord | null> {
  return (await withStore<ResumeRecord | undefined>("readonly", (s) => s.get(fingerprintOf(file)))) ?? null;
}

export async function rememberResumable(file: ResumableFile, fileId: string): Promise<void> {
  const record: ResumeRecord = { fingerprint: fingerprintOf(file), fileId, name: file.name, size: file.size, savedAt: Date.now() };
  await withStore("readwrite", (s) => s.put(record));
}

export async function forgetResumable(file: ResumableFile): Promise<void> {
  await forgetFingerprint(fingerprintOf(file));
}

export async function forgetFingerprint(fingerprint: string): Promise<void> {
  await withStore("readwrite", (s) => s.delete(fingerprint));
}

/** The last-modified time a record was saved with (part of its fingerprint), or null if unreadable. */
export function lastModifiedOf(record: ResumeRecord): number | null {
  try {
    const value = (JSON.parse(record.fingerprint) as unknown[])[2];
    return typeof value === "number" ? value : null;
  } catch {
    return null;
  }
}

/** Everything unfinished, for the page to offer on return. */
export async function listResumable(): Promise<ResumeRecord[]> {
  return (await withStore<ResumeRecord[]>("readonly", (s) => s.getAll())) ?? [];
}

/** The calls the upload engine makes on this store; tests pass an in-memory one. */
export type ResumeStore = {
  find: typeof findResumable;
  remember: typeof rememberResumable;
  forget: typeof forgetResumable;
  list: typeof listResumable;
};

export const browserResumeStore: ResumeStore = { find: findResumable, remember: rememberResumable, forget: forgetResumable, list: listResumable };

/** Where nothing is saved (the CLI): no upload is resumed after a restart, and nothing is left behind. */
export const NO_RESUME_STORE: ResumeStore = { find: async () => null, remember: async () => {}, forget: async () => {}, list: async () => [] };
