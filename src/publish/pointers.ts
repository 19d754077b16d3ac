import { PublishError } from '../errors.js';
import { compareVersions, parseVersion } from '../release/version.js';
import { INDEX_KEY, LATEST_KEY, manifestKey } from './layout.js';
import { ConflictError, type Store } from './store.js';

/** One published release, as listed in `releases.json` and pointed at by `latest.json`. */
export interface PublishedRelease {
  version: string;
  releaseId: string;
  manifest: string;
  published: string;
}

export interface ReleaseIndex {
  schema: 'slidepack.releases/1';
  releases: PublishedRelease[];
}

export interface Latest extends PublishedRelease {
  schema: 'slidepack.latest/1';
}

interface Read<T> {
  value: T | undefined;
  etag: string | undefined;
}

async function readJson<T>(store: Store, key: string): Promise<Read<T>> {
  const found = await store.read(key);
  if (!found) return { value: undefined, etag: undefined };
  try {
    return { value: JSON.parse(found.body.toString('utf8')) as T, etag: found.etag };
  } catch {
    throw new PublishError(
      `${store.url}: ${key} is not valid JSON; fix or remove it by hand`,
      'BadIndex',
      key,
    );
  }
}

export function readIndex(store: Store): Promise<Read<ReleaseIndex>> {
  return readJson<ReleaseIndex>(store, INDEX_KEY);
}

export function readLatest(store: Store): Promise<Read<Latest>> {
  return readJson<Latest>(store, LATEST_KEY);
}

export function entryFor(version: string, releaseId: string): PublishedRelease {
  return {
    version,
    releaseId,
    manifest: manifestKey(version),
    published: new Date().toISOString(),
  };
}

/** True when the index lists this release and latest.json needs no move for it. */
export async function pointersDone(
  store: Store,
  version: string,
  releaseId: string,
): Promise<boolean> {
  const index = await readIndex(store);
  const listed = index.value?.releases.some(
    (r) => r.version === version && r.releaseId === releaseId,
  );
  const latest = await readLatest(store);
  return Boolean(listed) && !shouldAdvance(latest.value, version);
}

/**
 * Add the release to `releases.json` and move `latest.json` to it when it is the highest
 * non-pre-release version; each written only if unchanged since read (If-Match).
 */
export async function advancePointers(
  store: Store,
  entry: PublishedRelease,
): Promise<{ latest: boolean }> {
  const index = await readIndex(store);
  const releases = index.value?.releases ?? [];
  if (!releases.some((r) => r.version === entry.version)) {
    const next: ReleaseIndex = {
      schema: 'slidepack.releases/1',
      releases: sortReleases([...releases, entry]),
    };
    await conditionalPut(store, INDEX_KEY, next, index.etag);
  }
  const latest = await readLatest(store);
  if (!shouldAdvance(latest.value, entry.version)) return { latest: false };
  await conditionalPut(store, LATEST_KEY, { schema: 'slidepack.latest/1', ...entry }, latest.etag);
  return { latest: true };
}

function shouldAdvance(latest: Latest | undefined, version: string): boolean {
  const v = parseVersion(version);
  if (!v || v.prerelease.length > 0) return false;
  const current = latest ? parseVersion(latest.version) : undefined;
  return !current || compareVersions(v, current) > 0;
}

function sortReleases(list: PublishedRelease[]): PublishedRelease[] {
  return list.sort((a, b) => {
    const va = parseVersion(a.version);
    const vb = parseVersion(b.version);
    return va && vb ? compareVersions(va, vb) : a.version.localeCompare(b.version);
  });
}

async function conditionalPut(store: Store, key: string, value: unknown, etag: string | undefined) {
  const body = Buffer.from(`${JSON.stringify(value, null, 2)}\n`);
  try {
    await store.putBytes(
      key,
      body,
      'application/json',
      etag ? { ifMatch: etag } : { create: true },
    );
  } catch (error) {
    if (!(error instanceof ConflictError)) throw error;
    throw new PublishError(
      `${store.url}: ${key} changed while this publish ran (another publish?); it was not ` +
        'overwritten. The release itself is complete: run the same publish again to list it.',
      'Conflict',
      key,
    );
  }
}
