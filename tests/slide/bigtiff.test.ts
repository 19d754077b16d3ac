import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { SlideInfo } from '../../src/slide/info.js';
import { runCli, SLIDES, tempDir } from '../helpers.js';

describe('slide info on a BigTIFF pyramid', () => {
  it('should read a tiled BigTIFF pyramid as OpenSlide does', async () => {
    // A pyramidal, tiled BigTIFF written by libvips from the real CMU-1-Small-Region pixels.
    const path = join(await tempDir(), 'pyramid.tiff');
    await sharp(join(SLIDES, 'CMU-1-Small-Region.svs'))
      .tiff({ tile: true, tileWidth: 256, tileHeight: 256, pyramid: true, bigtiff: true })
      .toFile(path);
    const result = await runCli(['slide', 'info', '--json', path]);
    expect(result.code, result.stderr).toBe(0);
    const [{ info }] = JSON.parse(result.stdout) as [{ info: SlideInfo }];
    expect(info).toMatchObject({ format: 'generic-tiff', bigTiff: true, compression: 'jpeg' });

    const props = spawnSync('openslide-show-properties', [path], { encoding: 'utf8' }).stdout;
    const value = (key: string) => Number(props.match(new RegExp(`^${key}: '([^']*)'`, 'm'))![1]);
    expect(info.levels.length).toBe(value('openslide\\.level-count'));
    for (const [n, level] of info.levels.entries()) {
      expect(level.width).toBe(value(`openslide\\.level\\[${n}\\]\\.width`));
      expect(level.height).toBe(value(`openslide\\.level\\[${n}\\]\\.height`));
      expect(level.tileWidth).toBe(256);
    }
  });
});
