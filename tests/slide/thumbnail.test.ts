import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, open } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { readTiff, TAG } from '../../src/slide/tiff.js';
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

/** A copy of CMU-1-Small-Region whose level 0 (IFD 0) cannot be decoded, made by `spoil`. */
async function spoiledCopy(spoil: 'jpeg2000' | 'zeroed'): Promise<string> {
  const path = join(await tempDir(), `${spoil}.svs`);
  await copyFile(CMU, path);
  const handle = await open(path, 'r+');
  try {
    const level0 = (await readTiff(handle, path)).directories[0]!;
    if (spoil === 'jpeg2000') {
      // Classic little-endian TIFF: entries of 12 bytes after a 2-byte count; a SHORT value
      // sits in the entry's last 4 bytes. 33003 is Aperio's JPEG 2000 code.
      const table = Buffer.alloc(2 + level0.entries.size * 12);
      await handle.read(table, 0, table.length, level0.offset);
      for (let at = 2; at < table.length; at += 12) {
        if (table.readUInt16LE(at) === TAG.compression) table.writeUInt16LE(33003, at + 8);
      }
      await handle.write(table, 0, table.length, level0.offset);
    } else {
      const offsets = level0.entries.get(TAG.tileOffsets)!.value as number[];
      const counts = level0.entries.get(TAG.tileByteCounts)!.value as number[];
      for (const [i, offset] of offsets.entries()) {
        await handle.write(Buffer.alloc(counts[i]!), 0, counts[i]!, offset);
      }
    }
  } finally {
    await handle.close();
  }
  return path;
}

describe('slide thumbnail fallbacks and sizes', () => {
  for (const spoil of ['jpeg2000', 'zeroed'] as const) {
    it(`should say why level 0 was not used (${spoil}) and not enlarge the stored thumbnail`, async () => {
      const slide = await spoiledCopy(spoil);
      const out = join(await tempDir(), 'thumb.png');
      const result = await runCli(['slide', 'thumbnail', slide, '-o', out, '--max-size', '1024']);
      expect(result.code, result.stderr).toBe(0);
      const reason =
        spoil === 'jpeg2000'
          ? /level 0 \(2220 × 2967 px\): JPEG 2000 tiles/
          : /level 0 \(2220 × 2967 px\) could not be decoded: \S/;
      expect(result.stderr).toMatch(/warning: .*level 0 \(2220 × 2967 px\)/);
      expect(result.stderr).toMatch(reason);
      expect(result.stderr).toMatch(
        /drew the thumbnail from stored thumbnail \((\d+) × (\d+) px\)/,
      );
      const stored = /stored thumbnail \((\d+) × (\d+) px\)/.exec(result.stderr)!;
      const meta = await sharp(out).metadata();
      // Capped at the stored thumbnail's size, keeping level 0's shape.
      expect(Math.max(meta.width, meta.height)).toBe(Math.max(+stored[1]!, +stored[2]!));
      expect(meta.width).toBeLessThanOrEqual(+stored[1]!);
      expect(meta.height).toBeLessThanOrEqual(+stored[2]!);
      expect(result.stderr).toMatch(/instead of 766 × 1024: .* is not enlarged/);
    });
  }

  it('should refuse a longest side that is not a whole number of pixels ≥ 1 as a usage error', async () => {
    const dir = await tempDir();
    for (const value of ['-5', '0', 'abc', '2.5']) {
      const out = join(dir, `${value}.png`);
      const result = await runCli(['slide', 'thumbnail', CMU, '-o', out, `--max-size=${value}`]);
      expect(result.code, value).toBe(2);
      expect(result.stderr).toMatch(/--max-size: expected a whole number of pixels ≥ 1/);
      expect(result.stderr).not.toMatch(/bug in slidepack/);
      expect(existsSync(out)).toBe(false);
    }
    const overlay = join(dir, 'overlay.png');
    const annotations = local('slide', 'cmu-1-small-region.ndjson');
    const args = ['slide', 'overlay', CMU, annotations, '-o', overlay, '--max-size', '-5'];
    expect((await runCli(args)).code).toBe(2);
  });
});
