import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli, tempDir } from '../helpers.js';

/** A fresh copy of the bundled example data set, made by its generator. */
async function example(): Promise<{ work: string; dataset: string }> {
  const work = await tempDir('slidepack-job-');
  const dataset = join(work, 'dataset');
  const made = spawnSync(process.execPath, [join(ROOT, 'dist/examples/make-example.js'), dataset], {
    encoding: 'utf8',
  });
  if (made.status !== 0) throw new Error(made.stderr);
  return { work, dataset };
}

async function editDescriptor(dataset: string, edit: (text: string) => string): Promise<void> {
  const path = join(dataset, 'dataset.yaml');
  await writeFile(path, edit(await readFile(path, 'utf8')));
}

describe('slidepack release on the example data set', () => {
  let work = '';
  beforeAll(async () => {
    ({ work } = await example());
  });

  it('should publish to ./releases, print its summary, and verify', async () => {
    const result = await runCli(['release', 'dataset'], { cwd: work });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/published 1\.0\.0 to file:\/\/.*\/releases/);
    expect(result.stderr).toMatch(/objects +246/);
    expect(result.stderr).toMatch(/sliderunner-sqlite +246 written/);
    const verify = await runCli(['verify', `file://${join(work, 'releases')}`]);
    expect(verify.code, verify.stderr + verify.stdout).toBe(0);
    expect(existsSync(join(work, '.slidepack', 'builds', '1.0.0'))).toBe(false);
  });

  it('should find the identical release already published when run again', async () => {
    const result = await runCli(['release', 'dataset'], { cwd: work });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('already published with the same content');
  });

  it('should refuse a changed data set under a published version, naming what to do', async () => {
    const { work: other, dataset } = await example();
    expect((await runCli(['release', 'dataset'], { cwd: other })).code).toBe(0);
    await editDescriptor(dataset, (t) =>
      t.replace('Regions and a sample of cells', 'Regions, cells'),
    );
    const result = await runCli(['release', 'dataset'], { cwd: other });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('already published with different content');
    expect(result.stderr).toContain('--release-version');
    const next = await runCli(['release', 'dataset', '--release-version', '1.0.1'], { cwd: other });
    expect(next.code, next.stderr).toBe(0);
  });
});

describe('slidepack release on a folder it must refuse', () => {
  const cases: [string, (dataset: string) => Promise<void>, RegExp][] = [
    [
      'a folder with no slides',
      (d) => rm(join(d, 'slides'), { recursive: true }),
      /no slides found in .*dataset/,
    ],
    [
      'annotations for a slide that is missing',
      (d) => rm(join(d, 'slides', 'case03-C.tiff')),
      /slide "case03-C", which is not in the slides folder/,
    ],
    [
      'an unreadable file among good ones',
      (d) => writeFile(join(d, 'slides', 'scan.svs'), 'this is a JPEG, not a slide'),
      /scan\.svs: error has a slide extension but no TIFF or DICOM header/,
    ],
    [
      'a descriptor missing a must field',
      (d) => editDescriptor(d, (t) => t.replace(/^ {2}stain: .*\n/m, '')),
      /acquisition\.stain/,
    ],
    [
      'no descriptor',
      (d) => rm(join(d, 'dataset.yaml')),
      /no dataset\.yaml in .*run "slidepack init/,
    ],
  ];

  for (const [what, spoil, expected] of cases) {
    it(`should block ${what}, say why, and publish nothing`, async () => {
      const { work, dataset } = await example();
      await spoil(dataset);
      const result = await runCli(['release', 'dataset'], { cwd: work });
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(expected);
      expect(result.stderr).toContain('nothing was published');
      expect(result.stderr).not.toMatch(/\n\s+at /);
      expect(existsSync(join(work, 'releases'))).toBe(false);
    });
  }
});
