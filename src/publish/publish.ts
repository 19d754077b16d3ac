import { PublishError } from '../errors.js';
import { type Logger, silentLogger } from '../log.js';
import { Journal } from './journal.js';
import { INDEX_KEY, keyFor, LATEST_KEY, manifestKey, objectKey, releasePrefix } from './layout.js';
import { eachLimited, settled } from './limit.js';
import { checkRelease, type LocalRelease, loadRelease } from './local.js';
import { PART_SIZE } from './multipart.js';
import { openStore } from './open.js';
import { advancePointers, entryFor, pointersDone } from './pointers.js';
import { human, Progress } from './progress.js';
import type { S3Options } from './s3-client.js';
import type { LocalFile, Store, StoreCapabilities } from './store.js';

export interface PublishOptions {
  /** A built release folder (holding manifest.json). */
  release: string;
  /** `s3://bucket/prefix` or `file:///path`. */
  to: string;
  s3?: S3Options;
  /** Use this store instead of opening `to` (tests). */
  store?: Store;
  public?: boolean;
  dryRun?: boolean;
  logger?: Logger;
}

export type UploadAction = 'upload' | 'present';

export interface PlannedUpload {
  key: string;
  file: string;
  size: number;
  action: UploadAction;
}

export interface PublishResult {
  version: string;
  releaseId: string;
  capabilities: StoreCapabilities;
  uploads: PlannedUpload[];
  uploadedBytes: number;
  latest: boolean;
  dryRun: boolean;
}

/**
 * Publish a release: check it against its manifest, upload what the store lacks (slides
 * content-addressed, so unchanged slides are never sent twice), write the manifest last, then
 * advance releases.json and latest.json with compare-and-swap.
 */
export async function publishRelease(options: PublishOptions): Promise<PublishResult> {
  const logger = options.logger ?? silentLogger;
  const release = await loadRelease(options.release);
  const version = release.manifest.version;
  const store = options.store ?? openStore(options.to, options.s3);

  // The local check, the store's probe and the look at what it holds run at once: each waits
  // on a different thing (disk, round trips), and none of them writes anything lasting.
  const [checked, probed, published, planned] = await Promise.allSettled([
    check(release, logger),
    store.probe(),
    alreadyPublished(store, release),
    planUploads(store, release),
  ]);
  settled(checked);
  const capabilities = settled(probed);
  describeCapabilities(store, capabilities, logger);
  if (settled(published)) return finishPointers(store, release, capabilities, options, logger);

  const uploads = settled(planned);
  const toSend = uploads.filter((u) => u.action === 'upload');
  const bytes = totalSize(toSend);
  logger.info(
    `${version}: ${toSend.length} of ${uploads.length} files to upload (${human(bytes)}); ` +
      `${uploads.length - toSend.length} already in the store`,
  );
  const result = {
    version,
    releaseId: release.releaseId,
    capabilities,
    uploads,
    uploadedBytes: bytes,
  };
  if (options.dryRun) return { ...result, latest: false, dryRun: true };

  await uploadAll(store, release, toSend, options.to, logger);
  await store.putBytes(manifestKey(version), release.manifestBytes, 'application/json', {
    create: true,
  });
  logger.event('uploaded', { key: manifestKey(version), size: release.manifestBytes.length });
  if (options.public) await grantPublic(store, release, logger);

  const done = await finishPointers(store, release, capabilities, options, logger);
  return { ...done, uploads, uploadedBytes: bytes };
}

async function check(release: LocalRelease, logger: Logger): Promise<void> {
  const checking = new Progress('checking', totalSize(release.files), release.files.length, logger);
  await checkRelease(release, (bytes) => checking.add(bytes), PART_SIZE);
  checking.finish();
}

function totalSize(files: { size: number }[]): number {
  return files.reduce((sum, f) => sum + f.size, 0);
}

function describeCapabilities(store: Store, caps: StoreCapabilities, logger: Logger): void {
  const create =
    caps.createOnly === 'native'
      ? 'If-None-Match: * honoured'
      : 'checked guard (HEAD before write)';
  const swap =
    caps.compareAndSwap === 'native'
      ? 'If-Match honoured'
      : 'checked guard (ETag compared before write)';
  const sums =
    caps.checksums === 'sha256' ? 'SHA-256 sent with every upload' : 'SHA-256 refused; MD5 only';
  const bodies =
    caps.bodyCheck === 'sha256'
      ? 'the store checks the signed SHA-256 of every body'
      : 'the store does not check signed SHA-256; Content-MD5 sent and ETags compared';
  logger.info(
    `${store.url}: create-only writes: ${create}; index updates: ${swap}; checksums: ${sums}; ` +
      bodies,
  );
  logger.event('capabilities', { ...caps });
}

/** A version whose manifest is in the store is published; only its pointers may be finished. */
async function alreadyPublished(store: Store, release: LocalRelease): Promise<boolean> {
  const version = release.manifest.version;
  const existing = await store.read(manifestKey(version));
  if (!existing) return false;
  if (!existing.body.equals(release.manifestBytes)) {
    throw new PublishError(
      `${store.url}: version ${version} is already published with different content; ` +
        'a published version is never overwritten, publish a new version',
      'AlreadyPublished',
      manifestKey(version),
    );
  }
  if (await pointersDone(store, version, release.releaseId)) {
    throw new PublishError(
      `${store.url}: version ${version} is already published (release id ${release.releaseId}); nothing to do`,
      'AlreadyPublishedIdentical',
      manifestKey(version),
    );
  }
  return true;
}

async function finishPointers(
  store: Store,
  release: LocalRelease,
  capabilities: StoreCapabilities,
  options: PublishOptions,
  logger: Logger,
): Promise<PublishResult> {
  const version = release.manifest.version;
  const { latest } = await advancePointers(store, entryFor(version, release.releaseId));
  logger.info(
    `published ${version} to ${store.url} (id ${release.releaseId})${latest ? '; now latest' : ''}`,
  );
  logger.event('published', { version, releaseId: release.releaseId, latest });
  if (!options.store) await (await Journal.open(release.dir, options.to, version)).remove();
  return {
    version,
    releaseId: release.releaseId,
    capabilities,
    uploads: [],
    uploadedBytes: 0,
    latest,
    dryRun: false,
  };
}

/**
 * What each file needs: content-addressed slides already stored (by this or an earlier
 * version) and objects left by an interrupted run are kept when their size and SHA-256 match.
 */
async function planUploads(store: Store, release: LocalRelease): Promise<PlannedUpload[]> {
  const version = release.manifest.version;
  // Two identical slides share one content-addressed object: plan it once.
  const byKey = new Map<string, LocalRelease['files'][number]>();
  for (const f of release.files)
    byKey.set(keyFor(version, { path: f.relative, sha256: f.sha256 }), f);
  const unique = [...byKey].map(([key, f]) => ({ key, f }));
  const plans: PlannedUpload[] = [];
  await eachLimited(unique, 16, async ({ f, key }) => {
    const info = await store.head(key);
    if (info && (info.size !== f.size || (info.sha256 && info.sha256 !== f.sha256))) {
      throw new PublishError(
        `${store.url}: ${key} exists with other content (left by an unfinished publish of a ` +
          'different build?); it is not overwritten',
        'Exists',
        key,
      );
    }
    plans.push({ key, file: f.path, size: f.size, action: info ? 'present' : 'upload' });
  });
  return plans.sort((a, b) => (a.key < b.key ? -1 : 1));
}

async function uploadAll(
  store: Store,
  release: LocalRelease,
  uploads: PlannedUpload[],
  target: string,
  logger: Logger,
): Promise<void> {
  const journal = await Journal.open(release.dir, target, release.manifest.version);
  const byPath = new Map<string, LocalFile>(release.files.map((f) => [f.path, f]));
  const progress = new Progress('uploading', totalSize(uploads), uploads.length, logger);
  const hooks = {
    progress: (bytes: number) => progress.add(bytes),
    started: (key: string, id: string) => journal.started(key, id),
    resumable: (key: string) => journal.state.uploads.get(key),
    forgotten: (key: string) => journal.forgotten(key),
  };
  // Largest first, so one big slide does not start last and run alone.
  const ordered = [...uploads].sort((a, b) => b.size - a.size);
  await eachLimited(ordered, 4, async (upload) => {
    const file = byPath.get(upload.file)!;
    await store.putFile(upload.key, file, hooks).catch(async (error) => {
      if (!(await storedMeanwhile(store, upload.key, file, error))) throw error;
      logger.verbose(`${upload.key} was stored meanwhile by another publish, with the same bytes`);
      progress.add(file.size);
    });
    await journal.completed(upload.key);
    progress.fileDone();
    logger.event('uploaded', { key: upload.key, size: upload.size });
  });
  progress.finish();
}

/**
 * A create-only write refused because the key appeared since the plan: another publish sharing
 * a slide (or publishing this very release) stored it meanwhile. Keys are content-addressed or
 * belong to this version, so the same size and SHA-256 mean the same object, which is kept.
 */
async function storedMeanwhile(store: Store, key: string, file: LocalFile, error: unknown) {
  const code = error instanceof PublishError ? error.code : undefined;
  if (code !== 'PreconditionFailed' && code !== 'Exists') return false;
  const info = await store.head(key);
  return info?.size === file.size && info.sha256 === file.sha256;
}

// LIMITATION: one policy resource per slide; AWS caps bucket policies at 20 KB (~150 slides).
async function grantPublic(store: Store, release: LocalRelease, logger: Logger): Promise<void> {
  const version = release.manifest.version;
  const slides = release.manifest.files.filter(
    (f) => keyFor(version, f) !== `${releasePrefix(version)}${f.path}`,
  );
  const keys = [
    `${releasePrefix(version)}*`,
    INDEX_KEY,
    LATEST_KEY,
    ...new Set(slides.map((f) => objectKey(f.sha256))),
  ];
  await store.grantPublicRead(keys);
  logger.info(
    `${store.url}: anyone may now read release ${version} (bucket policy, ${keys.length} resources)`,
  );
}
