import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PublishError } from '../errors.js';
import { sha256File } from '../io/hash.js';
import { type Logger, silentLogger } from '../log.js';
import { parseManifestLines } from '../release/bagit.js';
import type { ManifestFile } from '../release/manifest.js';
import { keyFor, releasePrefix } from './layout.js';
import { eachLimited } from './limit.js';
import { loadRelease } from './local.js';
import { Progress } from './progress.js';
import { openForReading, readRemoteRelease } from './remote.js';
import type { S3Options } from './s3-client.js';
import type { Store } from './store.js';

export interface VerifyOptions {
  s3?: S3Options;
  /** Release version in a store; default: latest.json. */
  version?: string;
  /** Stores only: compare HEAD size and stored SHA-256 instead of downloading every byte. */
  quick?: boolean;
  logger?: Logger;
}

export interface VerifyReport {
  target: string;
  version: string;
  releaseId: string;
  checked: number;
  bytes: number;
  missing: string[];
  bad: { path: string; reason: string }[];
}

/** Check a release folder, or a published release, file by file against its manifest. */
export async function verifyRelease(
  target: string,
  options: VerifyOptions = {},
): Promise<VerifyReport> {
  const dir = await localReleaseDir(target);
  return dir
    ? verifyFolder(dir, options)
    : verifyStore(openForReading(target, options.s3 ?? {}), options);
}

/** A folder (or file:// address) holding manifest.json is a downloaded release. */
async function localReleaseDir(target: string): Promise<string | undefined> {
  if (target.startsWith('s3://')) return undefined;
  const dir = target.startsWith('file://') ? fileURLToPath(target) : resolve(target);
  if (await stat(join(dir, 'manifest.json')).catch(() => undefined)) return dir;
  if (!target.startsWith('file://')) {
    throw new PublishError(
      `${target}: no manifest.json here; expected a release folder or a store address`,
    );
  }
  return undefined;
}

/** The manifest's files and the tag files tagmanifest-sha256.txt lists (size unknown: -1). */
function withTagFiles(files: ManifestFile[], tagManifest: string): ManifestFile[] {
  const out = [...files];
  for (const [path, sha256] of parseManifestLines(tagManifest))
    if (path !== 'manifest.json') out.push({ path, sha256, size: -1, mediaType: '' });
  return out;
}

async function verifyFolder(dir: string, options: VerifyOptions): Promise<VerifyReport> {
  const release = await loadRelease(dir);
  const report = emptyReport(dir, release.manifest.version, release.releaseId);
  const files = withTagFiles(
    release.manifest.files,
    await readFile(join(dir, 'tagmanifest-sha256.txt'), 'utf8').catch(() => ''),
  );

  const progress = new Progress(
    'verifying',
    sum(files),
    files.length,
    options.logger ?? silentLogger,
  );
  await eachLimited(files, 2, async (file) => {
    const info = await stat(join(dir, file.path)).catch(() => undefined);
    if (!info) return void report.missing.push(file.path);
    if (file.size >= 0 && info.size !== file.size)
      return bad(report, file.path, `${info.size} bytes, expected ${file.size}`);
    const hash = await sha256File(join(dir, file.path));
    if (hash !== file.sha256)
      return bad(report, file.path, `SHA-256 differs from ${listing(file)}`);
    count(report, info.size, progress);
  });
  progress.finish();
  return finish(report);
}

async function verifyStore(store: Store, options: VerifyOptions): Promise<VerifyReport> {
  const remote = await readRemoteRelease(store, options.version);
  const report = emptyReport(store.url, remote.version, remote.releaseId);
  const tags = await store.read(`${releasePrefix(remote.version)}tagmanifest-sha256.txt`);
  const files = withTagFiles(remote.manifest.files, tags?.body.toString('utf8') ?? '');
  const progress = new Progress(
    'verifying',
    sum(files),
    files.length,
    options.logger ?? silentLogger,
  );
  await eachLimited(files, 4, async (file) => {
    const key = keyFor(remote.version, file);
    const info = await store.head(key);
    if (!info) return void report.missing.push(file.path);
    if (file.size >= 0 && info.size !== file.size)
      return bad(report, file.path, `${info.size} bytes in the store, expected ${file.size}`);
    if (options.quick) {
      // publish stores every object's SHA-256; one without it was written by something else.
      if (!info.sha256) return bad(report, file.path, NO_STORED_SHA256);
      if (info.sha256 !== file.sha256) return bad(report, file.path, 'stored SHA-256 differs');
    } else if ((await hashStream(store, key)) !== file.sha256) {
      return bad(
        report,
        file.path,
        `SHA-256 of the downloaded bytes differs from ${listing(file)}`,
      );
    }
    count(report, file.size, progress);
  });
  progress.finish();
  return finish(report);
}

/** Where the expected SHA-256 of a file comes from: tag files have no size in the manifest. */
function listing(file: ManifestFile): string {
  return file.size < 0 ? 'tagmanifest-sha256.txt' : 'the manifest';
}

const NO_STORED_SHA256 =
  'no SHA-256 stored with the object (not written by slidepack publish); ' +
  'verify without --quick hashes its bytes';

async function hashStream(store: Store, key: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of await store.readStream(key)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

function emptyReport(target: string, version: string, id: string): VerifyReport {
  return { target, version, releaseId: id, checked: 0, bytes: 0, missing: [], bad: [] };
}

function bad(report: VerifyReport, path: string, reason: string): void {
  report.bad.push({ path, reason });
}

function count(report: VerifyReport, bytes: number, progress: Progress): void {
  report.checked += 1;
  report.bytes += bytes;
  progress.add(bytes);
  progress.fileDone();
}

function sum(files: { size: number }[]): number {
  return files.reduce((total, f) => total + Math.max(f.size, 0), 0);
}

function finish(report: VerifyReport): VerifyReport {
  report.missing.sort();
  report.bad.sort((a, b) => (a.path < b.path ? -1 : 1));
  return report;
}
