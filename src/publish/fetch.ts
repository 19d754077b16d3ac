import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { PublishError, UsageError } from '../errors.js';
import { sha256File } from '../io/hash.js';
import { type Logger, silentLogger } from '../log.js';
import { type ManifestFile, SLIDES_FOLDER } from '../release/manifest.js';
import { keyFor, releasePrefix } from './layout.js';
import { eachLimited } from './limit.js';
import { Progress } from './progress.js';
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
  const dir = resolve(options.out);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'manifest.json'), remote.manifestBytes);

  const slideNames = await selectSlides(remote, options, dir);
  const chosen = remote.manifest.files.filter((f) => wanted(f, slideNames, options));
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

/** Slide file names (lower case) to fetch, or undefined for all of them. */
async function selectSlides(remote: RemoteRelease, options: FetchOptions, dir: string) {
  if (!options.splits?.length && !options.slides?.length) return undefined;
  const names = new Set((options.slides ?? []).map((s) => s.toLowerCase()));
  if (options.splits?.length) {
    const splits = remote.manifest.files.find((f) => f.path === 'data/splits.csv');
    if (!splits)
      throw new UsageError(`release ${remote.version} has no splits.csv; --split cannot be used`);
    await download(remote.store, remote, splits, dir);
    const rows = parseCsv(await readFile(join(dir, splits.path), 'utf8'));
    const header = rows.shift() ?? [];
    const [idCol, nameCol, splitCol] = ['slide', 'name', 'split'].map((c) => header.indexOf(c));
    for (const row of rows) {
      if (!options.splits.includes(row[splitCol!] ?? '')) continue;
      names.add((row[nameCol!] || row[idCol!] || '').split(/[\\/]/).pop()!.toLowerCase());
      names.add((row[idCol!] ?? '').toLowerCase());
    }
  }
  return names;
}

function wanted(
  file: ManifestFile,
  slides: Set<string> | undefined,
  options: FetchOptions,
): boolean {
  const name = file.path.split('/').pop()!.toLowerCase();
  const stem = name.replace(/\.[^.]+$/, '');
  const inSlides =
    !slides || slides.has(name) || [...slides].some((s) => s.replace(/\.[^.]+$/, '') === stem);
  if (file.path.startsWith(SLIDES_FOLDER)) return !options.noSlides && inSlides;
  if (file.path.startsWith('data/thumbnails/')) return inSlides;
  const m = /^data\/annotations\/([^/]+)\/(.+)$/.exec(file.path);
  if (!m) return true;
  if (options.formats?.length && !options.formats.includes(m[1]!)) return false;
  // One-slide-per-file formats: one file per slide, named after it.
  const perSlide = !m[2]!.startsWith('annotations.') && m[2] !== 'loss-report.json';
  return !perSlide || inSlides;
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

/** RFC 4180 CSV: quoted cells may hold commas, quotes ("") and line breaks. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [[]];
  let cell = '';
  let quoted = false;
  const endCell = () => {
    rows[rows.length - 1]!.push(cell);
    cell = '';
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted && c === '"' && text[i + 1] === '"') {
      cell += '"';
      i++;
    } else if (c === '"') quoted = !quoted;
    else if (quoted || (c !== ',' && c !== '\n' && c !== '\r')) cell += c;
    else if (c === ',') endCell();
    else if (c === '\n') {
      endCell();
      rows.push([]);
    }
  }
  if (cell || rows[rows.length - 1]!.length) endCell();
  return rows.filter((row) => row.length > 0);
}
