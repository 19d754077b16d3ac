import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError, PublishError } from '../errors.js';
import { sha256File } from '../io/hash.js';
import { parseManifestLines } from '../release/bagit.js';
import { type Manifest, manifestProblem, releaseId } from '../release/manifest.js';
import { readPartDigests } from '../release/parts.js';
import { eachLimited } from './limit.js';
import type { LocalFile } from './store.js';

/** A built release folder read back for publishing: its manifest, id and every file. */
export interface LocalRelease {
  dir: string;
  manifest: Manifest;
  /** The manifest's bytes as stored; their SHA-256 is the release id. */
  manifestBytes: Buffer;
  releaseId: string;
  /** Payload files (from the manifest) and tag files, with paths relative to `dir`. */
  files: (LocalFile & { relative: string })[];
}

export async function loadRelease(dir: string): Promise<LocalRelease> {
  const manifestPath = join(dir, 'manifest.json');
  const manifestBytes = await readFile(manifestPath).catch(() => {
    throw new InputError('not a release folder: manifest.json is missing', dir);
  });
  let manifest: Manifest;
  try {
    manifest = JSON.parse(manifestBytes.toString('utf8')) as Manifest;
  } catch (error) {
    throw new InputError(`not valid JSON: ${(error as Error).message}`, manifestPath);
  }
  const problem = manifestProblem(manifest);
  if (problem) throw new InputError(problem, manifestPath);

  const parts = await readPartDigests(dir, manifest.files);
  const files = manifest.files.map((f) => ({
    ...f,
    relative: f.path,
    path: join(dir, f.path),
    ...(parts.has(f.path) ? { parts: parts.get(f.path)! } : {}),
  }));
  files.push(...(await tagFiles(dir)));
  return {
    dir,
    manifest,
    manifestBytes,
    releaseId: releaseId(manifestBytes.toString('utf8')),
    files,
  };
}

/** Top-level files other than manifest.json: BagIt tag files and archives. */
async function tagFiles(dir: string): Promise<(LocalFile & { relative: string })[]> {
  const tagHashes = parseManifestLines(
    await readFile(join(dir, 'tagmanifest-sha256.txt'), 'utf8').catch(() => ''),
  );
  const out = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (!entry.isFile() || entry.name.startsWith('.') || entry.name === 'manifest.json') continue;
    const path = join(dir, entry.name);
    const { size } = await stat(path);
    const listed = tagHashes.get(entry.name);
    const sha256 = listed ?? (await sha256File(path));
    out.push({ path, relative: entry.name, size, sha256, mediaType: 'text/plain' });
    if (entry.name.endsWith('.zip')) out[out.length - 1]!.mediaType = 'application/zip';
    if (entry.name.endsWith('.tar.gz')) out[out.length - 1]!.mediaType = 'application/gzip';
  }
  return out;
}

/**
 * Compare every file with the manifest (tag files: with tagmanifest-sha256.txt) before
 * anything is sent: sizes always, SHA-256 for files up to `hashAbove` bytes; larger ones are
 * hashed from the bytes as they are uploaded, and never completed when they differ.
 */
export async function checkRelease(
  release: LocalRelease,
  progress?: (bytes: number) => void,
  hashAbove = Number.POSITIVE_INFINITY,
): Promise<void> {
  const bad: string[] = [];
  await eachLimited(release.files, 2, async (file) => {
    const info = await stat(file.path).catch(() => undefined);
    if (!info) return void bad.push(`${file.relative} is missing`);
    if (info.size !== file.size)
      return void bad.push(`${file.relative} has ${info.size} bytes, not ${file.size}`);
    // Large files are hashed while they are uploaded, from the very bytes sent.
    if (file.size > hashAbove) return progress?.(file.size);
    if ((await sha256File(file.path)) !== file.sha256)
      bad.push(`${file.relative} has a different SHA-256`);
    progress?.(file.size);
  });
  if (bad.length) {
    throw new PublishError(
      `the release in ${release.dir} changed since it was built (hash mismatch); nothing was published: ` +
        bad.slice(0, 10).join('; '),
      'BadDigest',
    );
  }
}
