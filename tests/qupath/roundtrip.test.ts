import { readdirSync } from 'node:fs';
import { readFile as readText } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { convert } from '../../src/convert.js';
import { compareSets } from '../../src/model/compare.js';
import { local, real, tempDir } from '../helpers.js';
import { readFile } from './read-file.js';

const REAL_FILES = readdirSync(real('qupath-geojson')).filter((f) => f.endsWith('.geojson'));

/** Read → write QuPath (for `version`) → read again; both reads use the same slide id. */
async function roundTrip(input: string, version?: string) {
  const dir = await tempDir('slidepack-qupath-');
  const output = join(dir, basename(input));
  const options = version ? { 'qupath-version': version } : {};
  const result = await convert({ inputs: [input], to: 'qupath-geojson', output, options });
  const before = await readFile(input);
  const after = await readFile(output);
  return { before, after, result, output };
}

describe('QuPath GeoJSON round trip on every real export', () => {
  it('should find the real QuPath fixtures', () => {
    expect(REAL_FILES.length).toBeGreaterThanOrEqual(7);
  });

  for (const name of REAL_FILES) {
    it(`should read, write and re-read ${name} to an equal model within 0.01 px`, async () => {
      const { before, after, result } = await roundTrip(real('qupath-geojson', name));
      expect(before.messages).toEqual([]);
      expect(after.messages).toEqual([]);
      expect(before.set.objects.length).toBeGreaterThan(0);
      expect(compareSets(before.set, after.set, { tolerance: 0.01 })).toEqual([]);
      expect(result.loss.objectsWritten).toBe(before.set.objects.length);
      expect(result.loss.lossy).toBe(false);
    });
  }
});

describe('QuPath GeoJSON round trip on the hand-made version styles', () => {
  const files = [
    'v02-array.json',
    'v03-object-type.geojson',
    'v04-uuid-ellipse.geojson',
    'v05-string-nan.geojson',
    'cell-nucleus.geojson',
  ];
  for (const name of files) {
    it(`should keep everything in ${name} through the default 0.4+ style`, async () => {
      const { before, after } = await roundTrip(local('qupath', name));
      // 0.2 class-name ids are not ids: the written file carries the f<index> ids instead; and
      // colours keep their value but take the 0.4+ spelling (`source`).
      const ignore = ['sourceIds', 'source'];
      expect(compareSets(before.set, after.set, { tolerance: 0.01, ignore })).toEqual([]);
      expect(after.set.objects.length).toBe(before.set.objects.length);
    });
  }

  it('should give a class without a colour a stable one, since QuPath 0.4+ needs it', async () => {
    const { before, after, output } = await roundTrip(local('qupath', 'single-feature.geojson'));
    expect(before.set.classes.get('Stroma')?.color).toBeUndefined();
    const written = JSON.parse(await readText(output, 'utf8'));
    expect(written.features[0].properties.classification).toEqual({
      name: 'Stroma',
      color: after.set.classes.get('Stroma')?.color?.rgba.slice(0, 3),
    });
    expect(compareSets(before.set, after.set, { ignore: ['color'] })).toEqual([]);
  });

  it('should write NaN and infinities as strings, never as bare tokens', async () => {
    const { output, result } = await roundTrip(local('qupath', 'v04-uuid-ellipse.geojson'));
    const text = await readText(output, 'utf8');
    expect(text).toContain('"Ratio":"NaN"');
    expect(text).toContain('"Max":"Infinity"');
    expect(text).toContain('"Min":"-Infinity"');
    expect(text).toContain('"isEllipse":true');
    expect(text).toContain('"childObjects":[');
    expect(() => JSON.parse(text)).not.toThrow();
    expect(result.loss.entriesList().map((e) => e.code)).toEqual(['NONFINITE_MEASUREMENT']);
  });

  it('should re-emit members it does not know, where they were', async () => {
    const { output } = await roundTrip(local('qupath', 'v05-string-nan.geojson'));
    const written = JSON.parse(await readText(output, 'utf8'));
    expect(written.features[0].bbox).toEqual([0, 0, 40, 40]);
    expect(written.features[0].properties.customTool).toEqual({ version: 2 });
    expect(written.features[1].properties.childObjects[0].geometry.type).toBe('MultiPoint');
  });
});

describe('QuPath GeoJSON writer for old QuPath versions', () => {
  const file = real('qupath-geojson', 'lmd_MultiPolygon.geojson');

  for (const version of ['0.2', '0.3']) {
    it(`should write ${version} style that reads back to the same objects in order`, async () => {
      const { before, after, output } = await roundTrip(file, version);
      const text = await readText(output, 'utf8');
      expect(text).toContain('"colorRGB":');
      expect(text).not.toContain('"objectType"');
      expect(after.set.dataset?.sources[0]?.version).toBe(version);
      const diff = compareSets(before.set, after.set, {
        tolerance: 0.01,
        byOrder: true,
        ignore: ['id', 'sourceIds', 'source'],
      });
      expect(diff).toEqual([]);
    });
  }

  it('should write 0.2 as a bare array with class-name ids and measurement lists', async () => {
    const { output, after } = await roundTrip(local('qupath', 'v02-array.json'), '0.2');
    const written = JSON.parse(await readText(output, 'utf8'));
    expect(Array.isArray(written)).toBe(true);
    expect(written.map((f: { id: string }) => f.id)).toEqual([
      'PathAnnotationObject',
      'PathDetectionObject',
    ]);
    expect(written[1].properties.classification).toEqual({
      name: 'Positive',
      colorRGB: -65536,
      parentClass: { name: 'Tumor', colorRGB: -3670016 },
    });
    expect(written[1].properties.measurements).toEqual([
      { name: 'Area', value: 56.5 },
      { name: 'Mean', value: 'NaN' },
    ]);
    expect(written[0].properties.isLocked).toBe(false);
    expect(after.set.objects[1]?.kind).toBe('detection');
  });

  it('should polygonise an ellipse for 0.3 and say so in the loss report', async () => {
    const { output, result } = await roundTrip(local('qupath', 'v04-uuid-ellipse.geojson'), '0.3');
    const written = JSON.parse(await readText(output, 'utf8'));
    expect(written.features[0].geometry.isEllipse).toBeUndefined();
    expect(written.features[0].properties.object_type).toBe('annotation');
    expect(written.features[0].id).toBeUndefined();
    const codes = result.loss.entriesList().map((e) => e.code);
    expect(codes).toContain('ELLIPSE_POLYGONISED');
  });
});
