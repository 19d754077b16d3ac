import { SLIDES_FOLDER } from '../release/manifest.js';

/**
 * Where each file of a release lives in a store:
 *
 *   <prefix>/releases/<version>/<path>      everything but the slides, manifest.json last
 *   <prefix>/objects/sha256/<sha256>        slides, content-addressed: a slide unchanged
 *                                           since an earlier version is stored once
 *   <prefix>/releases.json, latest.json     the index and the pointer to the newest release
 */
export function releasePrefix(version: string): string {
  return `releases/${version}/`;
}

export function manifestKey(version: string): string {
  return `${releasePrefix(version)}manifest.json`;
}

export function objectKey(sha256: string): string {
  return `objects/sha256/${sha256}`;
}

export const LATEST_KEY = 'latest.json';
export const INDEX_KEY = 'releases.json';

/** True for manifest paths stored content-addressed. */
export function isContentAddressed(path: string): boolean {
  return path.startsWith(SLIDES_FOLDER);
}

/** The key of one manifest file of a release. */
export function keyFor(version: string, file: { path: string; sha256: string }): string {
  return isContentAddressed(file.path)
    ? objectKey(file.sha256)
    : `${releasePrefix(version)}${file.path}`;
}

/** Join a store prefix and a key. */
export function joinKey(prefix: string, key: string): string {
  if (!prefix) return key;
  return `${prefix.replace(/\/+$/, '')}/${key}`;
}
