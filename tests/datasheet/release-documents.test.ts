import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeReleaseDocuments } from '../../src/datasheet/release.js';
import { readDatasetInputs } from '../../src/descriptor/inputs.js';
import { loadDescriptor } from '../../src/descriptor/load.js';
import { Messages } from '../../src/messages.js';
import { tempDir } from '../helpers.js';
import { midogFolder } from '../descriptor/folders.js';

describe('writeReleaseDocuments', () => {
  it('should write the five documents for a release and list the release files in Croissant', async () => {
    const { descriptor } = await midogFolder();
    const messages = new Messages();
    const inputs = await readDatasetInputs(await loadDescriptor(descriptor), messages);
    const releaseDir = await tempDir('slidepack-release-docs-');
    const files = [
      {
        path: 'labels/midog.json',
        size: 10,
        sha256: 'a'.repeat(64),
        mediaType: 'application/json',
      },
      { path: 'manifest.json', size: 20, sha256: 'b'.repeat(64), mediaType: 'application/json' },
    ];
    const written = await writeReleaseDocuments({
      releaseDir,
      descriptorPath: descriptor,
      set: inputs.set,
      slides: inputs.slides,
      files,
      version: '1.0.0',
    });
    expect(written).toEqual([
      'DATASHEET.md',
      'datasheet.html',
      'croissant.json',
      'CITATION.cff',
      'LICENSE',
    ]);
    const croissant = JSON.parse(await readFile(join(releaseDir, 'croissant.json'), 'utf8'));
    expect(
      croissant.distribution.map((f: { contentUrl: string; sha256: string }) => [
        f.contentUrl,
        f.sha256,
      ]),
    ).toEqual([
      ['labels/midog.json', 'a'.repeat(64)],
      ['manifest.json', 'b'.repeat(64)],
    ]);
    expect(croissant.version).toBe('1.0.0');
    const md = await readFile(join(releaseDir, 'DATASHEET.md'), 'utf8');
    expect(md).toMatch(
      /expert 1 vs expert 2: 4435 objects labelled by both, same class on [\d.]+ %, Cohen.s κ 0\.\d+/,
    );
  });

  it('should throw listing the problems and write nothing when the descriptor misses a must field', async () => {
    const { descriptor } = await midogFolder((doc) =>
      doc.deleteIn(['maintenance', 'update_policy']),
    );
    const inputs = await readDatasetInputs(await loadDescriptor(descriptor), new Messages());
    const releaseDir = await tempDir('slidepack-release-docs-');
    const call = writeReleaseDocuments({
      releaseDir,
      descriptorPath: descriptor,
      set: inputs.set,
      slides: inputs.slides,
      files: [],
      version: '1.0.0',
    });
    await expect(call).rejects.toMatchObject({
      messages: expect.arrayContaining([
        expect.objectContaining({ message: 'maintenance.update_policy: missing (must field)' }),
      ]),
    });
    expect(await readdir(releaseDir)).toEqual([]);
  });
});
