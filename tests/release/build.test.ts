import { spawnSync } from 'node:child_process';
import { copyFile, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildRelease } from '../../src/release/build.js';
import { type Manifest, serializeManifest } from '../../src/release/manifest.js';
import { planRelease } from '../../src/release/plan.js';
import { compareVersions, parseVersion } from '../../src/release/version.js';
import { local, real, runCli, SLIDES, tempDir } from '../helpers.js';
import { buildFixtureRelease, sha256 } from '../publish/helpers.js';

describe('release plan', () => {
  it('should plan slides, canonical and per-format annotations, splits and an archive without I/O', () => {
    const plan = planRelease({
      version: '1.0.0',
      slides: [{ source: '/in/a.svs', relativePath: 'a.svs', size: 10, sha256: 'x'.repeat(64) }],
      annotations: ['/in/a.geojson'],
      formats: [
        { id: 'coco', extension: '.json', multiSlide: true },
        { id: 'asap-xml', extension: '.xml', multiSlide: false },
      ],
      thumbnails: true,
      archive: 'zip',
    });
    expect(plan.problems).toEqual([]);
    const paths = plan.entries.map((e) => ('path' in e ? e.path : e.kind));
    expect(paths).toEqual([
      'data/slides/a.svs',
      'data/annotations/canonical/annotations.ndjson',
      'data/annotations/coco/annotations.json',
      'data/annotations/asap-xml/',
      'data/splits.csv',
      'data/thumbnails/a.png',
      'documents',
      'annotations-1.0.0.zip',
    ]);
  });

  it('should report slide names that collide or leave the slides folder', () => {
    const slide = (relativePath: string) => ({
      source: `/in/${relativePath}`,
      relativePath,
      size: 1,
      sha256: '',
    });
    const plan = planRelease({
      version: '1.0.0',
      slides: [slide('A.svs'), slide('a.svs'), slide('../x.svs'), slide('a.tiff')],
      annotations: [],
      formats: [],
      thumbnails: true,
    });
    expect(plan.problems.join('\n')).toMatch(/two slides named "a.svs"/);
    expect(plan.problems.join('\n')).toMatch(/leaves the slides folder/);
    expect(plan.problems.join('\n')).toMatch(/share a thumbnail name/);
    expect(plan.problems.join('\n')).toMatch(/no annotation files/);
  });

  it('should accept semantic versions only and order pre-releases before releases', () => {
    for (const bad of ['1.0', 'v1.0.0', '01.0.0', '1.0.0+build.1', '1.0.0-'])
      expect(parseVersion(bad)).toBeUndefined();
    const order = [
      '1.0.0-alpha',
      '1.0.0-alpha.1',
      '1.0.0-beta.2',
      '1.0.0-beta.11',
      '1.0.0-rc.1',
      '1.0.0',
      '1.1.0',
      '2.0.0',
    ];
    const parsed = order.map((v) => parseVersion(v)!);
    for (let i = 1; i < parsed.length; i++)
      expect(compareVersions(parsed[i - 1]!, parsed[i]!)).toBe(-1);
  });
});

describe('release build', () => {
  it('should build a bag whose manifest matches every file and whose id is the manifest hash', async () => {
    const { dir } = await buildFixtureRelease('1.2.0');
    const text = await readFile(join(dir, 'manifest.json'), 'utf8');
    const manifest = JSON.parse(text) as Manifest;
    expect(serializeManifest(manifest)).toBe(text);
    expect(await readFile(join(dir, 'bag-info.txt'), 'utf8')).toContain(
      `External-Identifier: sha256:${sha256(text)}`,
    );
    for (const f of manifest.files) {
      const bytes = await readFile(join(dir, f.path));
      expect([f.path, bytes.length, sha256(bytes)]).toEqual([f.path, f.size, f.sha256]);
    }
    const paths = manifest.files.map((f) => f.path);
    expect(paths).toContain('data/slides/CMU-1-Small-Region.svs');
    expect(paths).toContain('data/annotations/canonical/annotations.ndjson');
    expect(paths).toContain('data/annotations/coco/loss-report.json');
    const oxum = `${manifest.files.reduce((s, f) => s + f.size, 0)}.${manifest.files.length}`;
    expect(await readFile(join(dir, 'bag-info.txt'), 'utf8')).toContain(`Payload-Oxum: ${oxum}`);
    const bagLines = (await readFile(join(dir, 'manifest-sha256.txt'), 'utf8')).trim().split('\n');
    expect(bagLines.sort()).toEqual(manifest.files.map((f) => `${f.sha256}  ${f.path}`).sort());
    expect(await readFile(join(dir, 'data', 'splits.csv'), 'utf8')).toContain(
      'openslide-small.svs,openslide-small.svs,test,p2,',
    );
  });

  it('should refuse to rebuild an existing version and name the fix', async () => {
    const { releasesDir, slidesDir } = await buildFixtureRelease('1.0.0');
    const before = await stat(join(releasesDir, '1.0.0', 'manifest.json'));
    const run = await runCli([
      'release',
      'build',
      '--slides',
      slidesDir,
      '-a',
      local('release', 'annotations.ndjson'),
      '--version',
      '1.0.0',
      '-o',
      releasesDir,
    ]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /version 1\.0\.0 already exists; a release is never rebuilt in place/,
    );
    expect((await stat(join(releasesDir, '1.0.0', 'manifest.json'))).mtimeMs).toBe(before.mtimeMs);
  });

  it('should reject a version that is not semantic with exit 2', async () => {
    const out = await tempDir();
    const run = await runCli([
      'release',
      'build',
      '--slides',
      SLIDES,
      '-a',
      local('release', 'annotations.ndjson'),
      '--version',
      '1.0',
      '-o',
      out,
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('not a semantic version');
  });

  it('should leave nothing behind when an annotation input is broken', async () => {
    const out = await tempDir();
    const broken = join(out, 'broken.geojson');
    spawnSync('sh', [
      '-c',
      `printf '{"type":"FeatureCollection","features":[{"type":' > '${broken}'`,
    ]);
    const run = await runCli([
      'release',
      'build',
      '--slides',
      join(out),
      '-a',
      broken,
      '--version',
      '1.0.0',
      '-o',
      join(out, 'rel'),
    ]);
    expect(run.code).toBe(1);
    expect(spawnSync('ls', ['-A', join(out, 'rel')], { encoding: 'utf8' }).stdout.trim()).toBe('');
  });

  it('should match annotated slides to slide files with or without their extension', async () => {
    const out = await tempDir();
    const export_ = real('qupath-geojson', 'lmd_objects.geojson');
    await copyFile(export_, join(out, 'CMU-1-Small-Region.geojson'));
    await copyFile(export_, join(out, 'no-such-slide.geojson'));
    const run = await runCli([
      'release',
      'build',
      '--slides',
      SLIDES,
      '-a',
      join(out, 'CMU-1-Small-Region.geojson'),
      join(out, 'no-such-slide.geojson'),
      '--version',
      '1.0.0',
      '--no-thumbnails',
      '-o',
      join(out, 'rel'),
    ]);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/annotated slide "no-such-slide" has no image in the release/);
    expect(run.stderr).not.toMatch(/"CMU-1-Small-Region" has no image/);
  });

  it('should pack everything but the slides into the zip archive', async () => {
    const out = await tempDir();
    const result = await buildRelease({
      releasesDir: out,
      version: '3.0.0',
      slidesDir: SLIDES,
      annotations: [
        local('release', 'annotations.ndjson'),
        real('qupath-geojson', 'lmd_objects.geojson'),
      ],
      archive: 'zip',
      thumbnails: false,
      formats: ['coco'],
    });
    const zip = join(result.dir, 'annotations-3.0.0.zip');
    const names = spawnSync(
      'python3',
      ['-c', 'import sys,zipfile;print("\\n".join(zipfile.ZipFile(sys.argv[1]).namelist()))', zip],
      {
        encoding: 'utf8',
      },
    ).stdout.split('\n');
    expect(names).toContain('3.0.0/manifest.json');
    expect(names).toContain('3.0.0/data/annotations/coco/annotations.json');
    expect(names.some((n) => n.includes('data/slides/'))).toBe(false);
    expect(await readFile(join(result.dir, 'tagmanifest-sha256.txt'), 'utf8')).toContain(
      'annotations-3.0.0.zip',
    );
  });
});
