import { copyFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, SLIDES, tempDir } from '../helpers.js';

/** Set the Compression tag of IFD 0 of a little-endian classic TIFF to another code. */
function patchCompression(tiff: Buffer, code: number): Buffer {
  const copy = Buffer.from(tiff);
  const ifd = copy.readUInt32LE(4);
  const count = copy.readUInt16LE(ifd);
  for (let i = 0; i < count; i++) {
    const at = ifd + 2 + i * 12;
    if (copy.readUInt16LE(at) === 259) copy.writeUInt16LE(code, at + 8);
  }
  return copy;
}

describe('slide info on bad input', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await tempDir();
    await copyFile(join(SLIDES, 'openslide-small.svs'), join(dir, 'good.svs'));
    const svs = await readFile(join(SLIDES, 'openslide-small.svs'));
    await writeFile(join(dir, 'truncated.svs'), svs.subarray(0, 1500));
    const boxes = await readFile(join(SLIDES, 'openslide-boxes.tiff'));
    await writeFile(join(dir, 'odd-compression.tiff'), patchCompression(boxes, 12345));
    const jpeg = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#c00' } })
      .jpeg()
      .toBuffer();
    await writeFile(join(dir, 'renamed.svs'), jpeg);
  });

  it('should name each bad file and why, still report the good one, and exit 1', async () => {
    const result = await runCli(['slide', 'info', dir]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('good.svs: aperio-svs, 16 × 16 px');
    expect(result.stderr).toContain('renamed.svs: a JPEG image, not a slide');
    expect(result.stderr).toMatch(/truncated\.svs: truncated: IFD 1 at offset \d+ lies beyond/);
    expect(result.stderr).toContain(
      'odd-compression.tiff: IFD 0 uses compression 12345, which is not a known TIFF compression',
    );
    expect(result.stderr).toContain('3 of 4 slide(s) could not be read');
    expect(result.stderr).not.toContain('    at ');
  });

  it('should give one JSON entry per file with --json', async () => {
    const result = await runCli(['slide', 'info', '--json', dir]);
    expect(result.code).toBe(1);
    const entries = JSON.parse(result.stdout) as { path: string; ok: boolean }[];
    const ok = Object.fromEntries(entries.map((e) => [e.path.split('/').pop(), e.ok]));
    expect(ok).toEqual({
      'good.svs': true,
      'odd-compression.tiff': false,
      'renamed.svs': false,
      'truncated.svs': false,
    });
  });

  it('should say a DICOM thumbnail instance alone is not a whole slide', async () => {
    const result = await runCli(['slide', 'info', join(SLIDES, 'dicom-boxes', 'boxes_1.dcm')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('no VOLUME image here, only THUMBNAIL');
  });
});
