import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { local, real, runCli, tempDir } from '../helpers.js';

const REAL_FILES = readdirSync(real('qupath-geojson')).filter((f) => f.endsWith('.geojson'));

describe('slidepack detect on real QuPath exports', () => {
  for (const name of REAL_FILES) {
    it(`should name qupath-geojson for ${name} with its reason`, async () => {
      const file = real('qupath-geojson', name);
      const json = await runCli(['detect', '--json', file]);
      expect(json.code).toBe(0);
      const [result] = JSON.parse(json.stdout);
      expect(result.format).toBe('qupath-geojson');
      expect(result.version).toBe('0.4+');
      const own = result.results.find((r: { format: string }) => r.format === 'qupath-geojson');
      expect(own.reason).toMatch(/GeoJSON FeatureCollection with QuPath members \(objectType/);

      const text = await runCli(['detect', file]);
      expect(text.stdout.split('\n')[0]).toBe(`${file}: qupath-geojson (0.4+): ${own.reason}`);
    });
  }
});

/** Convert a bad file; it must fail with exit 1, say where, and leave nothing behind. */
async function convertBad(file: string, extra: string[] = []) {
  const dir = await tempDir('slidepack-bad-');
  const output = join(dir, 'out.geojson');
  const result = await runCli(['convert', file, '--to', 'qupath-geojson', '-o', output, ...extra]);
  expect(result.code).toBe(1);
  expect(existsSync(output)).toBe(false);
  expect(readdirSync(dir)).toEqual([]);
  expect(result.stderr).toContain(file);
  expect(result.stderr).not.toMatch(/\n\s+at /);
  return result.stderr;
}

describe('bad QuPath input through the CLI', () => {
  const bad = (name: string) => local('qupath', 'bad', name);

  it('should report a truncated file with its line and the features read, and exit 1', async () => {
    const stderr = await convertBad(bad('truncated.geojson'));
    expect(stderr).toMatch(/\(line 5, after 1 feature\(s\)\): error the JSON ends early/);
    expect(stderr).toContain('the file is truncated or not JSON');
  });

  it('should report a file that is not JSON at all', async () => {
    const stderr = await convertBad(bad('not-json.geojson'));
    expect(stderr).toContain('(line 1): error the file is not JSON');
  });

  it('should report a polygon with fewer than 3 distinct points at its JSON pointer', async () => {
    const stderr = await convertBad(bad('too-few-points.geojson'));
    expect(stderr).toContain('feature 0 at /features/0/geometry/coordinates/0, line 2');
    expect(stderr).toContain('fewer than 3 distinct points');
  });

  it('should report an unknown geometry type and the types it expected', async () => {
    const stderr = await convertBad(bad('unknown-geometry.geojson'));
    expect(stderr).toContain('/features/0/geometry/type');
    expect(stderr).toMatch(/unknown geometry type \(expected one of Point, .*, got "Circle"\)/);
  });

  it('should report coordinates of the wrong type', async () => {
    const stderr = await convertBad(bad('wrong-coordinates.geojson'));
    expect(stderr).toContain('/features/0/geometry/coordinates/0');
    expect(stderr).toMatch(
      /wrong coordinate type \(expected \[x, y\] with two numbers, got \["10","20"\]\)/,
    );
  });

  it('should list every bad feature of a file in one run', async () => {
    const stderr = await convertBad(bad('many-problems.geojson'));
    expect(stderr).toContain('feature 1 at /features/1/geometry/type');
    expect(stderr).toContain('feature 3 at /features/3/geometry/coordinates/0/2');
    expect(stderr).toContain('2 error(s) in the input');
  });

  it('should refuse a classification written as a stringified dict', async () => {
    const stderr = await convertBad(bad('stringified-classification.geojson'));
    expect(stderr).toContain('/features/0/properties/classification');
    expect(stderr).toContain('refusing to guess');
  });

  it('should refuse an unknown --qupath-version as a usage error', async () => {
    const file = local('qupath', 'cell-nucleus.geojson');
    const result = await runCli([
      'convert',
      file,
      '--to',
      'qupath-geojson',
      '--qupath-version',
      '0.1',
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('qupath-version');
  });
});

describe('QuPath GeoJSON written by slidepack in real consumers', () => {
  it('should open in GDAL with the right feature count', async () => {
    const dir = await tempDir();
    const output = join(dir, 'lmd_MultiPolygon.geojson');
    const input = real('qupath-geojson', 'lmd_MultiPolygon.geojson');
    const result = await runCli(['convert', input, '--to', 'qupath-geojson', '-o', output]);
    expect(result.code).toBe(0);
    const info = execFileSync('ogrinfo', ['-al', '-so', output], { encoding: 'utf8' });
    expect(info).toContain('Feature Count: 154');
    expect(info).toMatch(/Geometry: Unknown \(any\)|Geometry: Polygon/);
  });

  it('should re-read with Python json, which rejects bare NaN here', async () => {
    const dir = await tempDir();
    const output = join(dir, 'nan.geojson');
    const input = local('qupath', 'v04-uuid-ellipse.geojson');
    expect((await runCli(['convert', input, '--to', 'qupath-geojson', '-o', output])).code).toBe(0);
    const script =
      'import json, sys\n' +
      'def bare(token): sys.exit("bare " + token)\n' +
      'd = json.load(open(sys.argv[1]), parse_constant=bare)\n' +
      'print(len(d["features"]), d["features"][0]["properties"]["measurements"]["Ratio"])\n';
    const out = execFileSync('python3', ['-c', script, output], { encoding: 'utf8' });
    expect(out.trim()).toBe('1 NaN');
  });

  it('should report each shape QuPath cannot hold, and per-annotator labels in metadata', async () => {
    const dir = await tempDir();
    const output = join(dir, 's1.geojson');
    const report = join(dir, 'loss.json');
    const input = local('qupath', 'from-canonical.ndjson');
    const args = ['convert', input, '--to', 'qupath-geojson', '-o', output, '--report', report];
    const result = await runCli(args);
    expect(result.code).toBe(0);
    const loss = JSON.parse(await readFile(report, 'utf8'));
    expect(loss).toMatchObject({ objectsRead: 6, objectsWritten: 5 });
    const codes = Object.fromEntries(
      loss.losses.map((e: { code: string; examples: string[] }) => [e.code, e.examples]),
    );
    expect(codes).toMatchObject({
      SPLINE_DENSIFIED: ['spline1'],
      RECTANGLE_POLYGONISED: ['rect1'],
      MASK_UNSUPPORTED: ['mask1'],
      ELLIPSE_POLYGONISED: ['ellipse1'],
      ANNOTATOR_LABELS_FLATTENED: ['spot1'],
      KIND_LOST: ['spot1'],
      SLIDE_INFO_DROPPED: ['s1'],
    });
    expect(codes.COORDS_ROUNDED).toContain('spot1');
    const written = JSON.parse(await readFile(output, 'utf8'));
    const spot = written.features.find((f: { id: string }) => f.id === 'spot1');
    expect(spot.geometry.coordinates).toEqual([12.35, 7.89]);
    expect(spot.properties.metadata).toEqual({ 'label: Expert A': 'Mitosis; (no class)' });
    const circle = written.features.find((f: { id: string }) => f.id === 'circle1');
    expect(circle.geometry.isEllipse).toBe(true);
    expect(result.stderr).toContain('6 objects read, 5 written');
  });

  it('should fail under --strict when anything is lost, writing nothing', async () => {
    const dir = await tempDir();
    const output = join(dir, 's1.geojson');
    const input = local('qupath', 'from-canonical.ndjson');
    const result = await runCli([
      'convert',
      input,
      '--to',
      'qupath-geojson',
      '-o',
      output,
      '--strict',
    ]);
    expect(result.code).toBe(1);
    expect(existsSync(output)).toBe(false);
  });
});
