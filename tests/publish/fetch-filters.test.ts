import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildRelease } from '../../src/release/build.js';
import { local, runCli, tempDir } from '../helpers.js';
import { buildFixtureRelease } from './helpers.js';

/** Publish a release to a fresh local store; returns the store's address. */
async function published(dir: string): Promise<string> {
  const to = pathToFileURL(await tempDir()).href;
  const run = await runCli(['publish', dir, '--to', to]);
  expect(run.code).toBe(0);
  return to;
}

describe('fetch filters', () => {
  let store: string;
  beforeAll(async () => {
    store = await published((await buildFixtureRelease('1.0.0')).dir);
  });

  it('should refuse --slides naming no slide of the release, list its slides and write nothing', async () => {
    const out = join(await tempDir(), 'out');
    const run = await runCli(['fetch', store, '--slides', 'nope.svs', '-o', out]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('--slides nope.svs');
    expect(run.stderr).toMatch(/its slides: CMU-1-Small-Region\.svs, openslide-small\.svs/);
    expect(existsSync(out)).toBe(false);
  });

  it('should accept a slide by its name without extension', async () => {
    const out = join(await tempDir(), 'out');
    const run = await runCli(['fetch', store, '--slides', 'openslide-small', '-o', out, '--json']);
    expect(run.code).toBe(0);
    expect(existsSync(join(out, 'data/slides/openslide-small.svs'))).toBe(true);
    expect(existsSync(join(out, 'data/slides/CMU-1-Small-Region.svs'))).toBe(false);
  });

  it('should refuse --format naming a format the release does not hold and list those it does', async () => {
    const out = join(await tempDir(), 'out');
    const run = await runCli(['fetch', store, '--format', 'nope', '-o', out]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('--format nope');
    expect(run.stderr).toMatch(/it has: .*canonical.*coco/);
    expect(existsSync(out)).toBe(false);
  });

  it('should refuse --split naming no split of the release and list its splits', async () => {
    const out = join(await tempDir(), 'out');
    const run = await runCli(['fetch', store, '--split', 'validation', '-o', out]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('--split validation');
    expect(run.stderr).toContain('its splits: test, train');
    expect(existsSync(out)).toBe(false);
  });

  it('should warn that files holding every slide are fetched whole when --split is given', async () => {
    const out = join(await tempDir(), 'out');
    const run = await runCli(['fetch', store, '--split', 'test', '-o', out]);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(
      'coco/annotations.json holds the annotations of every slide and is fetched whole; ' +
        "keep those of the wanted split's slides yourself",
    );
    expect(run.stderr).toContain('canonical/annotations.ndjson holds the annotations of every');
    // Per-slide files are filtered, so nothing is said about them.
    expect(run.stderr).not.toMatch(/asap-xml\/.* holds the annotations/);
    expect(run.stderr).not.toContain('loss-report.json holds');
  });

  it('should refuse --split on a release without splits', async () => {
    const root = await tempDir();
    const annotations = join(root, 'annotations.ndjson');
    const text = await readFile(local('release', 'annotations.ndjson'), 'utf8');
    await writeFile(annotations, text.replace(/"split":"[^"]*",?/g, ''));
    const { slidesDir } = await buildFixtureRelease('0.1.0');
    const built = await buildRelease({
      releasesDir: join(root, 'releases'),
      version: '1.0.0',
      slidesDir,
      annotations: [annotations],
      thumbnails: false,
    });
    const to = await published(built.dir);
    const out = join(await tempDir(), 'out');
    const run = await runCli(['fetch', to, '--split', 'test', '-o', out]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/--split test: release 1\.0\.0 has no splits/);
    expect(existsSync(out)).toBe(false);
  });
});
