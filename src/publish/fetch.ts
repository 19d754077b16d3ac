import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { PublishError } from '../errors.js';
import { sha256File } from '../io/hash.js';
import { type Logger, silentLogger } from '../log.js';
import type { ManifestFile } from '../release/manifest.js';
import { keyFor, releasePrefix } from './layout.js';
import { eachLimited } from './limit.js';
import { Progress } from './progress.js';
import { selectSlides, wanted, warnWholeFiles } from './fetch-select.js';
import { openForReading, readRemoteRelease, type RemoteRelease } from './remote.js';
import type { S3Options } from './s3-client.js';
import type { Store } from './store.js';

export interface FetchOptions {
  out: string;
  s3?: S3Options;
  version?: string;
  /** Only the slides of these splits (from splits.csv). */
  splits?: string[];
  /** Only these annotation formats (canonical is a format too); default all. */
  formats?: string[];
  /** Only these slides, by file name or slide id. */
  slides?: string[];
  /** Leave the slide images out. */
  noSlides?: boolean;
  logger?: Logger;
}

export interface FetchResult {
  version: string;
  releaseId: string;
  dir: string;
  fetched: string[];
  skipped: number;
}

/**
 * Download part of a published release into `<out>`, checking every file's SHA-256 while it
 * is written (a file is renamed into place only when it matches). The manifest comes too, so
 * `slidepack verify <out>` checks the partial copy later.
 */
export async function fetchRelease(url: string, options: FetchOptions): Promise<FetchResult> {
  const logger = options.logger ?? silentLogger;
  const store = openForReading(url, options.s3 ?? {});
  const remote = await readRemoteRelease(store, options.version);
  // Filters are checked before anything is written: a typo must not leave a folder behind.
  const slideNames = await selectSlides(remote, options);
  const chosen = remote.manifest.files.filter((f) => wanted(f, slideNames, options));
  warnWholeFiles(chosen, options, logger);
  const dir = resolve(options.out);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'manifest.json'), remote.manifestBytes);

  const tags = await tagFiles(store, remote);
  const progress = new Progress('downloading', sum(chosen), chosen.length + tags.length, logger);
  await eachLimited([...tags, ...chosen], 4, async (file) => {
    await download(store, remote, file, dir, progress);
    logger.event('downloaded', { path: file.path, size: file.size });
  });
  progress.finish();
  const fetched = [...tags, ...chosen].map((f) => f.path);
  logger.info(`fetched ${fetched.length} files of release ${remote.version} into ${dir}`);
  return {
    version: remote.version,
    releaseId: remote.releaseId,
    dir,
    fetched,
    skipped: remote.manifest.files.length - chosen.length,
  };
}

/** BagIt tag files of the release, so the download is a (possibly holey) bag. */
async function tagFiles(store: Store, remote: RemoteRelease): Promise<ManifestFile[]> {
  const out: ManifestFile[] = [];
  for (const name of ['bagit.txt', 'bag-info.txt', 'manifest-sha256.txt']) {
    const info = await store.head(`${releasePrefix(remote.version)}${name}`);
    if (info) out.push({ path: name, size: info.size, sha256: '', mediaType: 'text/plain' });
  }
  return out;
}

async function download(
  store: Store,
  remote: RemoteRelease,
  file: ManifestFile,
  dir: string,
  progress?: Progress,
): Promise<void> {
  const target = join(dir, file.path);
  if (file.sha256 && (await alreadyThere(target, file))) return void progress?.add(file.size);
  await mkdir(dirname(target), { recursive: true });
  const temp = join(dirname(target), `.${randomBytes(6).toString('hex')}.part`);
  const hash = createHash('sha256');
  const tap = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      progress?.add(chunk.length);
      done(null, chunk);
    },
  });
  const key = file.sha256
    ? keyFor(remote.version, file)
    : `${releasePrefix(remote.version)}${file.path}`;
  try {
    await pipeline(await store.readStream(key), tap, createWriteStream(temp));
    if (file.sha256 && hash.digest('hex') !== file.sha256) {
      throw new PublishError(
        `${file.path}: the downloaded bytes do not match the manifest's SHA-256`,
        'BadDigest',
        key,
      );
    }
    await rename(temp, target);
  } finally {
    await rm(temp, { force: true });
  }
  progress?.fileDone();
}

/** A file kept from an earlier fetch is not downloaded again when its hash matches. */
async function alreadyThere(path: string, file: ManifestFile): Promise<boolean> {
  const info = await stat(path).catch(() => undefined);
  return Boolean(info && info.size === file.size && (await sha256File(path)) === file.sha256);
}

function sum(files: { size: number }[]): number {
  return files.reduce((total, f) => total + f.size, 0);
}
