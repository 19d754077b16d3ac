import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sha256File } from '../io/hash.js';
import type { ManifestFile } from './manifest.js';

/**
 * BagIt (RFC 8493) tag files, so that a release folder is also a valid bag: `bagit.txt`,
 * `bag-info.txt` with Payload-Oxum, `manifest-sha256.txt` for the payload under `data/`, and
 * `tagmanifest-sha256.txt` for the tag files, `manifest.json` included.
 */
export const BAG_DECLARATION = 'BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n';

/** RFC 8493 §2.1.3: a path in a manifest line percent-encodes CR, LF and %. */
export function bagPath(path: string): string {
  return path.replaceAll('%', '%25').replaceAll('\r', '%0D').replaceAll('\n', '%0A');
}

export function manifestLines(files: Pick<ManifestFile, 'path' | 'sha256'>[]): string {
  return files.map((f) => `${f.sha256}  ${bagPath(f.path)}\n`).join('');
}

export interface BagInfo {
  version: string;
  releaseId: string;
  name?: string;
  files: ManifestFile[];
  date: Date;
}

/** bag-info.txt: Payload-Oxum is `<octets>.<files>` of the payload. */
export function bagInfo(info: BagInfo): string {
  const octets = info.files.reduce((sum, f) => sum + f.size, 0);
  const lines = [
    'Bag-Software-Agent: slidepack',
    `Bagging-Date: ${info.date.toISOString().slice(0, 10)}`,
    `Payload-Oxum: ${octets}.${info.files.length}`,
    `Bag-Group-Identifier: ${info.name ?? 'slidepack release'}`,
    `Version: ${info.version}`,
    `External-Identifier: sha256:${info.releaseId}`,
  ];
  return `${lines.join('\n')}\n`;
}

/** Write the tag files that do not depend on extra tag files (archives). */
export async function writeBagTags(dir: string, info: BagInfo): Promise<void> {
  await writeFile(join(dir, 'bagit.txt'), BAG_DECLARATION);
  await writeFile(join(dir, 'bag-info.txt'), bagInfo(info));
  await writeFile(join(dir, 'manifest-sha256.txt'), manifestLines(info.files));
}

/** Hash the given tag files and write tagmanifest-sha256.txt listing them. */
export async function writeTagManifest(dir: string, tagFiles: string[]): Promise<void> {
  const rows = [];
  for (const path of [...tagFiles].sort()) {
    rows.push({ path, sha256: await sha256File(join(dir, path)) });
  }
  await writeFile(join(dir, 'tagmanifest-sha256.txt'), manifestLines(rows));
}

/** Parse manifest-sha256.txt / tagmanifest-sha256.txt lines into path → hash. */
export function parseManifestLines(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^([0-9a-f]{64})\s+(.+)$/.exec(line.trimEnd());
    if (!m) continue;
    const path = m[2]!.replaceAll('%0A', '\n').replaceAll('%0D', '\r').replaceAll('%25', '%');
    out.set(path, m[1]!);
  }
  return out;
}
