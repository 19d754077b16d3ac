import { createHash } from 'node:crypto';
import { extname } from 'node:path';

/**
 * The release manifest: every payload file with its size, SHA-256 and media type. It is stored
 * in its canonical serialisation (object keys sorted, no whitespace, UTF-8, no trailing
 * newline), so the release id, the SHA-256 of that serialisation, equals `sha256sum
 * manifest.json`.
 */
export interface ManifestFile {
  /** Path relative to the release folder, `/`-separated, e.g. `data/slides/001.tiff`. */
  path: string;
  size: number;
  sha256: string;
  mediaType: string;
}

export interface Manifest {
  schema: 'slidepack.release/1';
  name?: string;
  version: string;
  /** Payload folder holding the slides; in a published release these are content-addressed. */
  slidesFolder: string;
  files: ManifestFile[];
}

export const MANIFEST_SCHEMA = 'slidepack.release/1';
export const SLIDES_FOLDER = 'data/slides/';

/** JSON with object keys sorted at every level and no whitespace. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const v = (value as Record<string, unknown>)[key];
    if (v !== undefined) out[key] = sortKeys(v);
  }
  return out;
}

/** The manifest's canonical bytes, with its files in path order. */
export function serializeManifest(manifest: Manifest): string {
  const files = [...manifest.files].sort((a, b) =>
    a.path < b.path ? -1 : a.path > b.path ? 1 : 0,
  );
  return canonicalJson({ ...manifest, files });
}

/** The release id: SHA-256 of the canonical manifest, lowercase hex. */
export function releaseId(serialized: string): string {
  return createHash('sha256').update(serialized, 'utf8').digest('hex');
}

const MEDIA_TYPES: Record<string, string> = {
  '.ndjson': 'application/x-ndjson',
  '.jsonl': 'application/x-ndjson',
  '.json': 'application/json',
  '.geojson': 'application/geo+json',
  '.jsonld': 'application/ld+json',
  '.xml': 'application/xml',
  '.sqlite': 'application/vnd.sqlite3',
  '.db': 'application/vnd.sqlite3',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.csv': 'text/csv',
  '.tsv': 'text/tab-separated-values',
  '.md': 'text/markdown',
  '.txt': 'text/plain',
  '.html': 'text/html',
  '.yaml': 'application/yaml',
  '.yml': 'application/yaml',
  '.cff': 'application/x-yaml',
  '.zip': 'application/zip',
  '.gz': 'application/gzip',
  '.tif': 'image/tiff',
  '.tiff': 'image/tiff',
  '.svs': 'image/tiff',
  '.ndpi': 'image/tiff',
  '.scn': 'image/tiff',
  '.bif': 'image/tiff',
  '.dcm': 'application/dicom',
  '.mrxs': 'application/octet-stream',
};

/** Media type from the file name; whole-slide TIFF variants are `image/tiff`. */
export function mediaTypeFor(path: string): string {
  const name = path.toLowerCase();
  if (name === 'license' || name.endsWith('/license')) return 'text/plain';
  return MEDIA_TYPES[extname(name)] ?? 'application/octet-stream';
}

/** Check a parsed manifest's shape; returns what is wrong, or undefined. */
export function manifestProblem(value: unknown): string | undefined {
  const m = value as Partial<Manifest> | null;
  if (!m || typeof m !== 'object') return 'expected a JSON object';
  if (m.schema !== MANIFEST_SCHEMA) return `expected "schema": "${MANIFEST_SCHEMA}"`;
  if (typeof m.version !== 'string') return 'expected a "version" string';
  if (!Array.isArray(m.files)) return 'expected a "files" array';
  for (const [i, f] of m.files.entries()) {
    const ok =
      typeof f?.path === 'string' &&
      !f.path.split('/').includes('..') &&
      !f.path.startsWith('/') &&
      Number.isSafeInteger(f.size) &&
      /^[0-9a-f]{64}$/.test(f.sha256 ?? '');
    if (!ok) return `files[${i}]: expected {path (relative), size, sha256 (64 hex)}`;
  }
  return undefined;
}
