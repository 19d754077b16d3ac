import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Part size of multipart uploads; a 2 GB slide is 128 parts. */
export const PART_SIZE = 16 << 20;

/** A file's SHA-256 and, when it is larger than one part, the SHA-256 of each part. */
export interface PartDigests {
  sha256: string;
  size: number;
  parts: string[];
}

/**
 * SHA-256 of a file and of each {@link PART_SIZE} part, from one read. Publishing compares the
 * parts it sends with these, so it need not hash every byte a second time for the whole file.
 */
export async function hashWithParts(path: string): Promise<PartDigests> {
  const whole = createHash('sha256');
  const parts: string[] = [];
  let part = createHash('sha256');
  let inPart = 0;
  let size = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 4 << 20 })) {
    let bytes = chunk as Buffer;
    whole.update(bytes);
    size += bytes.length;
    while (bytes.length) {
      const take = Math.min(bytes.length, PART_SIZE - inPart);
      part.update(bytes.subarray(0, take));
      inPart += take;
      bytes = bytes.subarray(take);
      if (inPart === PART_SIZE) {
        parts.push(part.digest('hex'));
        part = createHash('sha256');
        inPart = 0;
      }
    }
  }
  if (inPart) parts.push(part.digest('hex'));
  return { sha256: whole.digest('hex'), size, parts };
}

/** The record of part digests kept beside a release folder (never inside: the bag is fixed). */
interface PartsRecord {
  partSize: number;
  files: Record<string, PartDigests>;
}

function recordPath(releaseDir: string): string {
  return join(dirname(releaseDir), '.publish-parts', `${basename(releaseDir)}.json`);
}

/** Keep the part digests of a release's large files for its publishing. */
export async function writePartDigests(
  releaseDir: string,
  files: Map<string, PartDigests>,
): Promise<void> {
  const path = recordPath(releaseDir);
  const record: PartsRecord = { partSize: PART_SIZE, files: Object.fromEntries(files) };
  await mkdir(dirname(path), { recursive: true });
  const temp = `${path}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(temp, `${JSON.stringify(record)}\n`);
  await rename(temp, path);
}

/**
 * The part digests recorded when the release was built, for the files whose manifest entry
 * (size and SHA-256) they match; empty when there is no usable record.
 */
export async function readPartDigests(
  releaseDir: string,
  manifest: { path: string; size: number; sha256: string }[],
): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  let record: PartsRecord;
  try {
    record = JSON.parse(await readFile(recordPath(releaseDir), 'utf8')) as PartsRecord;
  } catch {
    return out;
  }
  if (record.partSize !== PART_SIZE || typeof record.files !== 'object') return out;
  for (const f of manifest) {
    const kept = record.files[f.path];
    const count = Math.ceil(f.size / PART_SIZE);
    if (kept?.sha256 !== f.sha256 || kept.size !== f.size) continue;
    if (Array.isArray(kept.parts) && kept.parts.length === count) out.set(f.path, kept.parts);
  }
  return out;
}
