import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { real, runCli, tempDir } from '../helpers.js';

const MIDOG = real('sliderunner-sqlite', 'midog_MIDOG.sqlite');

interface Image {
  file_name: string;
  width: number;
  height: number;
}

async function writeMidog(...options: string[]) {
  const dir = await tempDir();
  const [output, report] = [join(dir, 'midog.json'), join(dir, 'loss.json')];
  const args = ['convert', MIDOG, '--to', 'coco', '-o', output, '--report', report];
  const result = await runCli([...args, ...options]);
  const coco = JSON.parse(await readFile(output, 'utf8'));
  const loss = JSON.parse(await readFile(report, 'utf8'));
  return { result, output, images: coco.images as Image[], losses: loss.losses };
}

describe('COCO images of slides without a size', () => {
  it('should write no 0 × 0 image and say once which slides were left out', async () => {
    // the database has no slide sizes; slides 151–200 have no objects either
    const { result, output, images, losses } = await writeMidog();
    expect(result.code).toBe(0);
    expect(images).toHaveLength(150);
    expect(images.filter((i) => !(i.width > 0 && i.height > 0))).toEqual([]);
    expect(images.at(-1)?.file_name).toBe('150.tiff');
    const dropped = losses.find((e: { code: string }) => e.code === 'SLIDE_DROPPED');
    expect(dropped).toMatchObject({ count: 50, effect: 'dropped' });
    expect(dropped.examples).toEqual(['151.tiff', '152.tiff', '153.tiff', '154.tiff', '155.tiff']);
    const warnings = result.stderr.split('\n').filter((line) => line.includes('warning'));
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toContain(`${output} (/images): warning 150 slides have no size;`);
    expect(warnings[0]).toMatch(/"001.tiff" \d+ × \d+, .* and 145 more\); give --image-size/);
    expect(warnings[1]).toContain(`${output} (/images): warning 50 slides have no size and no`);
    expect(warnings[1]).toMatch(/"151.tiff", .* and 45 more\); give --image-size WxH to keep/);
  });

  it('should size every image from --image-size and leave none out', async () => {
    const { result, images, losses } = await writeMidog('--image-size', '8000x6000');
    expect(result.stderr).not.toMatch(/warning/);
    expect(images).toHaveLength(200);
    expect(images.every((i) => i.width === 8000 && i.height === 6000)).toBe(true);
    expect(losses.map((e: { code: string }) => e.code)).not.toContain('SLIDE_DROPPED');
  });
});
