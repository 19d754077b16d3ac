import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers.js';
import { threeSlidesFolder } from '../descriptor/folders.js';
import { inspectPage } from './chromium.js';

const CHECKS = `(() => ({
  images: [...document.images].map((i) => ({ ok: i.complete && i.naturalWidth > 0, src: i.src.slice(0, 22) })),
  charts: document.querySelectorAll('svg rect').length,
  sections: [...document.querySelectorAll('section h2')].map((h) => h.textContent),
  height: document.body.scrollHeight,
}))()`;

describe('datasheet.html in headless Chromium', () => {
  it('should render with no console errors, load nothing from the network and screenshot', async () => {
    const { descriptor, dir } = await threeSlidesFolder();
    const out = join(dir, 'out');
    const result = await runCli(['datasheet', descriptor, '-o', out]);
    expect(result.code, result.stderr).toBe(0);
    const html = await readFile(join(out, 'datasheet.html'), 'utf8');
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect(html).not.toMatch(/https?:\/\//);

    const shots = await tempDir('slidepack-screenshot-');
    const screenshot = join(shots, 'datasheet.png');
    const page = await inspectPage(join(out, 'datasheet.html'), screenshot, CHECKS);
    expect(page.consoleErrors).toEqual([]);
    expect(page.externalRequests).toEqual([]);
    const value = page.value as {
      images: { ok: boolean; src: string }[];
      charts: number;
      sections: string[];
    };
    expect(value.images).toHaveLength(3);
    expect(value.images.every((i) => i.ok && i.src.startsWith('data:image/png;base64'))).toBe(true);
    expect(value.charts).toBeGreaterThan(3);
    expect(value.sections).toHaveLength(8);
    const png = await readFile(screenshot);
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect((await stat(screenshot)).size).toBeGreaterThan(50_000);
    console.log(`datasheet screenshot: ${screenshot}`);
  });
});
