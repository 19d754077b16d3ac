import { spawnSync } from 'node:child_process';
import { copyFile, mkdir, readdir, readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { local, real, runCli, SLIDES, tempDir } from '../helpers.js';
import { newBucket, rgwEnv } from '../publish/helpers.js';

const rgw = inject('rgw');

/** The real exports the end-to-end data set is made of, by fixture folder. */
const ANNOTATIONS = [
  ['sliderunner-sqlite', 'midog_MIDOG.sqlite'],
  ['coco', 'midog_MIDOG.json'],
  ['asap-xml', 'camelyon17_patient_004_node_4.xml'],
  ['asap-xml', 'pathml_camelyon16_tumor_036_metastasis_negative.xml'],
  ['qupath-geojson', 'lmd_objects.geojson'],
  ['qupath-geojson', 'lmd_2023_02_02__CD163_CD31_CDH1.geojson'],
];

/** A dataset folder assembled from ../shared/fixtures, with the descriptor written for it. */
async function assembleDataset(): Promise<string> {
  const folder = join(await tempDir('slidepack-e2e-'), 'dataset');
  await mkdir(join(folder, 'slides'), { recursive: true });
  await mkdir(join(folder, 'annotations'));
  await copyFile(
    join(SLIDES, 'CMU-1-Small-Region.svs'),
    join(folder, 'slides', 'CMU-1-Small-Region.svs'),
  );
  for (const [dir, file] of ANNOTATIONS) {
    await copyFile(real(dir!, file!), join(folder, 'annotations', file!));
  }
  await copyFile(
    local('slide', 'cmu-1-small-region.ndjson'),
    join(folder, 'annotations', 'cmu-1-small-region.ndjson'),
  );
  await copyFile(local('job', 'dataset.yaml'), join(folder, 'dataset.yaml'));
  return folder;
}

function aws(args: string[]) {
  return spawnSync('aws', ['--endpoint-url', rgw!.endpoint, ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...rgwEnv(rgw!) },
  });
}

function python(code: string, files: string[]): number {
  const run = spawnSync('python3', ['-c', code, ...files], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`python3 failed: ${run.stderr}`);
  return Number(run.stdout.trim());
}

const PYTHON_COUNTS: Record<string, string> = {
  coco: 'import json,sys; print(sum(len(json.load(open(f))["annotations"]) for f in sys.argv[1:]))',
  'sliderunner-sqlite':
    'import sqlite3,sys; print(sum(sqlite3.connect(f).execute(' +
    '"select count(*) from Annotations").fetchone()[0] for f in sys.argv[1:]))',
  'asap-xml':
    'import sys,xml.etree.ElementTree as E; ' +
    'print(sum(len(E.parse(f).getroot().findall("./Annotations/Annotation")) ' +
    'for f in sys.argv[1:]))',
  // ImageScope layers are Annotation elements; the objects are their Region elements, except
  // NegativeROA regions, which are holes of the region around them.
  'imagescope-xml':
    'import sys,xml.etree.ElementTree as E; ' +
    'print(sum(1 for f in sys.argv[1:] for r in E.parse(f).getroot().iter("Region") ' +
    'if r.get("NegativeROA", "0") != "1"))',
};

/** Objects in published annotation files, counted by readers that are not slidepack. */
function independentCount(format: string, files: string[]): number {
  if (format !== 'qupath-geojson') return python(PYTHON_COUNTS[format]!, files);
  let total = 0;
  for (const file of files) {
    const info = spawnSync('ogrinfo', ['-al', '-so', file], { encoding: 'utf8' }).stdout;
    total += Number(/Feature Count: (\d+)/.exec(info)?.[1] ?? Number.NaN);
  }
  return total;
}

/** Objects slidepack reads from files, via one canonical conversion of them all. */
async function slidepackCount(files: string[], work: string): Promise<number> {
  const out = join(work, `${basename(dirname(files[0]!))}.ndjson`);
  const result = await runCli(['convert', ...files, '--to', 'canonical', '-o', out]);
  expect(result.code, result.stderr).toBe(0);
  const lines = (await readFile(out, 'utf8')).split('\n');
  return lines.filter((line) => line.startsWith('{"type":"object"')).length;
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

describe.skipIf(!rgw)('slidepack release on real data, to radosgw', () => {
  it('should publish, download with the aws CLI, verify, and re-read every annotation file', {
    timeout: 600_000,
  }, async () => {
    const dataset = await assembleDataset();
    const bucket = await newBucket(rgw!);
    const target = `s3://${bucket}/e2e`;

    const release = await runCli(
      ['release', dataset, '--to', target, '--endpoint', rgw!.endpoint, '--json'],
      {
        cwd: join(dataset, '..'),
        env: rgwEnv(rgw!),
      },
    );
    expect(release.code, release.stderr).toBe(0);
    const events = release.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    const summary = events.at(-1);
    expect(summary.event).toBe('summary');
    expect(summary).toMatchObject({
      ok: true,
      version: '1.0.0',
      publishedTo: target,
      objects: 4606,
    });
    expect(summary.annotators).toEqual({
      'expert 1': 4435,
      'expert 2': 4439,
      'expert 3': 925,
      RetinaNet: 1295,
    });

    const listing = aws(['s3', 'ls', '--recursive', `${target}/`]);
    expect(listing.status, listing.stderr).toBe(0);
    expect(listing.stdout).toContain('e2e/releases/1.0.0/manifest.json');
    const download = join(await tempDir(), 'download');
    const copy = aws([
      's3',
      'cp',
      '--recursive',
      '--only-show-errors',
      `${target}/releases/1.0.0/`,
      download,
    ]);
    expect(copy.status, copy.stderr).toBe(0);
    const manifest = JSON.parse(await readFile(join(download, 'manifest.json'), 'utf8'));
    for (const file of manifest.files.filter((f: { path: string }) =>
      f.path.startsWith('data/slides/'),
    )) {
      const get = aws([
        's3',
        'cp',
        '--only-show-errors',
        `${target}/objects/sha256/${file.sha256}`,
        join(download, file.path),
      ]);
      expect(get.status, get.stderr).toBe(0);
    }

    const verify = await runCli(['verify', download, '--complete']);
    expect(verify.code, verify.stderr + verify.stdout).toBe(0);

    const files = (await listFiles(join(download, 'data', 'annotations'))).filter(
      (f) => !f.endsWith('loss-report.json') && !f.includes('/canonical/'),
    );
    const byFormat = new Map<string, string[]>();
    for (const f of files)
      byFormat.set(basename(dirname(f)), [...(byFormat.get(basename(dirname(f))) ?? []), f]);
    expect([...byFormat.keys()].sort()).toEqual([
      'asap-xml',
      'coco',
      'imagescope-xml',
      'qupath-geojson',
      'sliderunner-sqlite',
    ]);
    const work = await tempDir();
    for (const [format, group] of byFormat) {
      const ours = await slidepackCount(group, work);
      expect(ours, format).toBeGreaterThan(0);
      expect(independentCount(format, group), format).toBe(ours);
    }
  });
});
