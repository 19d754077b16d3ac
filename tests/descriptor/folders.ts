import { copyFile, readFile, symlink, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type Document, parseDocument } from 'yaml';
import { local, real, SLIDES, tempDir } from '../helpers.js';

/**
 * A temporary dataset folder: a copy of a descriptor from tests/fixtures/descriptor, edited by
 * `edit` when given, beside links to the real files it names (never copies in the repo).
 */
async function folderWith(
  descriptor: string,
  links: [string, string][],
  edit?: (doc: Document) => void,
): Promise<{ dir: string; descriptor: string }> {
  const dir = await tempDir('slidepack-descriptor-');
  const doc = parseDocument(await readFile(local('descriptor', descriptor), 'utf8'));
  edit?.(doc);
  const path = join(dir, 'dataset.yaml');
  await writeFile(path, doc.toString());
  for (const [from, to] of links) {
    await mkdir(join(dir, to, '..'), { recursive: true });
    await symlink(from, join(dir, to));
  }
  return { dir, descriptor: path };
}

/** The real MIDOG pair (SlideRunner SQLite + COCO JSON) with tests/fixtures/descriptor/midog.yaml. */
export function midogFolder(edit?: (doc: Document) => void) {
  return folderWith(
    'midog.yaml',
    [
      [real('sliderunner-sqlite', 'midog_MIDOG.sqlite'), 'midog_MIDOG.sqlite'],
      [real('coco', 'midog_MIDOG.json'), 'midog_MIDOG.json'],
    ],
    edit,
  );
}

/** Three real slides from the slide fixtures with the hand-made three-slides.ndjson labels. */
export async function threeSlidesFolder(edit?: (doc: Document) => void) {
  const names = ['CMU-1-Small-Region.svs', 'test3-DAPI-2-387.ndpi', 'OS-1-detail.ome.tif'];
  const folder = await folderWith(
    'three-slides.yaml',
    names.map((n): [string, string] => [join(SLIDES, n), join('slides', n)]),
    edit,
  );
  await copyFile(
    local('descriptor', 'three-slides.ndjson'),
    join(folder.dir, 'three-slides.ndjson'),
  );
  return folder;
}

/** A folder holding copies of the real MIDOG pair and nothing else, for `slidepack init`. */
export async function midogDataOnly(): Promise<string> {
  const dir = await tempDir('slidepack-init-');
  await copyFile(real('sliderunner-sqlite', 'midog_MIDOG.sqlite'), join(dir, 'midog_MIDOG.sqlite'));
  await copyFile(real('coco', 'midog_MIDOG.json'), join(dir, 'midog_MIDOG.json'));
  return dir;
}
