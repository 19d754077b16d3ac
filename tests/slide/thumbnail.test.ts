import { execFileSync } from 'node:child_process';
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

/** Mean absolute difference per RGB channel between a PNG and a reference scaled to its size. */
async function meanDifference(file: string, reference: string): Promise<number[]> {
  const { width, height } = await sharp(file).metadata();
  const a = await sharp(file).removeAlpha().raw().toBuffer();
  const b = await sharp(reference)
    .resize(width, height, { fit: 'fill' })
    .removeAlpha()
    .raw()
    .toBuffer();
  const sum = [0, 0, 0];
  for (let i = 0; i < a.length; i++) sum[i % 3]! += Math.abs(a[i]! - b[i]!);
  return sum.map((s) => s / (a.length / 3));
}

describe('slide thumbnail colours', () => {
  it("should match the colours of OpenSlide's rendering of CMU-1-Small-Region when resized", async () => {
    const dir = await tempDir();
    const reference = join(dir, 'openslide.png');
    execFileSync('openslide-write-png', [CMU, '0', '0', '0', '2220', '2967', reference]);
    for (const size of ['1024', '300']) {
      const out = join(dir, `thumb-${size}.png`);
      const result = await runCli(['slide', 'thumbnail', CMU, '-o', out, '--max-size', size]);
      expect(result.code, result.stderr).toBe(0);
      const difference = await meanDifference(out, reference);
      expect(Math.max(...difference), `${size} px: ${difference.join(', ')}`).toBeLessThan(6);
    }
  });

  it('should keep the colours of a resized OME-TIFF thumbnail equal to its full-size level', async () => {
    const dir = await tempDir();
    const slide = join(SLIDES, 'OS-1-detail.ome.tif');
    const full = join(dir, 'full.png');
    const small = join(dir, 'small.png');
    await runCli(['slide', 'thumbnail', slide, '-o', full, '--max-size', '1101']);
    const result = await runCli(['slide', 'thumbnail', slide, '-o', small, '--max-size', '400']);
    expect(result.code, result.stderr).toBe(0);
    expect(Math.max(...(await meanDifference(small, full)))).toBeLessThan(6);
  });

  it('should draw an overlay over correctly coloured tissue', async () => {
    const dir = await tempDir();
    const reference = join(dir, 'openslide.png');
    execFileSync('openslide-write-png', [CMU, '0', '0', '0', '2220', '2967', reference]);
    const out = join(dir, 'overlay.png');
    const annotations = local('slide', 'cmu-1-small-region.ndjson');
    const result = await runCli(['slide', 'overlay', CMU, annotations, '-o', out]);
    expect(result.code, result.stderr).toBe(0);
    // Top left corner, away from the drawn shapes and the legend.
    const [r, g, b] = await meanColour(out, 300, 40, 60);
    const ref = join(dir, 'ref.png');
    await sharp(reference).resize(766, 1024, { fit: 'fill' }).png().toFile(ref);
    const [rr, rg, rb] = await meanColour(ref, 300, 40, 60);
    expect(Math.abs(r! - rr!) + Math.abs(g! - rg!) + Math.abs(b! - rb!)).toBeLessThan(18);
  });
});

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
