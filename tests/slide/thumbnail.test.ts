import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { local, runCli, SLIDES, tempDir } from '../helpers.js';

const CMU = join(SLIDES, 'CMU-1-Small-Region.svs');

/** Mean RGB of a region of a PNG, to check what was drawn where. */
async function meanColour(file: string, left: number, top: number, size: number) {
  const { data } = await sharp(file)
    .extract({ left, top, width: size, height: size })
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const sum = [0, 0, 0];
  for (let i = 0; i < data.length; i++) sum[i % 3]! += data[i]!;
  return sum.map((s) => s / (data.length / 3));
}

describe('slide thumbnails and overlays', () => {
  it('should write a CMU-1-Small-Region thumbnail scaled to the longest side', async () => {
    const out = join(await tempDir(), 'thumb.png');
    const result = await runCli(['slide', 'thumbnail', CMU, '-o', out, '--max-size', '512']);
    expect(result.code).toBe(0);
    const meta = await sharp(out).metadata();
    // 2220 × 2967 scaled by 512 / 2967: 383.07 → 383 wide.
    expect([meta.format, meta.width, meta.height]).toEqual(['png', 383, 512]);
    const [r, g, b] = await meanColour(out, 180, 300, 40);
    expect(r! > g! && b! > g!, 'H&E tissue is pink-purple').toBe(true);
  });

  it('should draw the annotations of a hand-made file in class colours', async () => {
    const out = join(await tempDir(), 'overlay.png');
    const annotations = local('slide', 'cmu-1-small-region.ndjson');
    const result = await runCli(['slide', 'overlay', CMU, annotations, '-o', out, '--json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ ok: true, width: 766, height: 1024 });
    const meta = await sharp(out).metadata();
    expect([meta.width, meta.height]).toEqual([766, 1024]);
    // Stroma is a green rectangle at x 300-1700, y 1900-2600 (level 0): × 1024 / 2967.
    const [r, g, b] = await meanColour(out, 108, 700, 12);
    expect(g! > r! && g! > b!).toBe(true);
  });

  it('should write the thumbnail of every shared slide it can decode', async () => {
    const dir = await tempDir();
    const expected: [string, number, number][] = [
      ['OS-1-detail.ome.tif', 1024, 1024],
      ['test3-DAPI-2-387.ndpi', 835, 1024],
      ['dicom-highdicom-sm', 50, 50],
      ['dicom-boxes', 16, 16],
      ['openslide-boxes.tiff', 300, 250],
    ];
    for (const [name, width, height] of expected) {
      const out = join(dir, `${name}.png`);
      const result = await runCli(['slide', 'thumbnail', join(SLIDES, name), '-o', out]);
      expect(result.code, result.stderr).toBe(0);
      const meta = await sharp(out).metadata();
      expect([name, meta.format, meta.width, meta.height]).toEqual([name, 'png', width, height]);
    }
  });
});
