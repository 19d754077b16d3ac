import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers.js';

/** A QuPath GeoJSON FeatureCollection of unclassified points. */
function points(coordinates: [number, number][]): string {
  const features = coordinates.map((c, i) => ({
    type: 'Feature',
    id: `p${i}`,
    geometry: { type: 'Point', coordinates: c },
    properties: { objectType: 'annotation' },
  }));
  return JSON.stringify({ type: 'FeatureCollection', features });
}

describe('stats --by-file', () => {
  it('should tell two readers apart when their files have the same name in two folders', async () => {
    const dir = await tempDir();
    await mkdir(join(dir, 'A'));
    await mkdir(join(dir, 'B'));
    // Reader B finds two of A's three figures (within 10 px) and one that A did not mark.
    await writeFile(
      join(dir, 'A', 'slide.geojson'),
      points([
        [100, 100],
        [500, 500],
        [900, 900],
      ]),
    );
    await writeFile(
      join(dir, 'B', 'slide.geojson'),
      points([
        [105, 100],
        [500, 508],
        [2000, 50],
      ]),
    );
    const args = ['stats', 'A/slide.geojson', 'B/slide.geojson', '--by-file', '--json'];
    const result = await runCli(args, { cwd: dir });
    expect(result.code, result.stderr).toBe(0);
    const detection = JSON.parse(result.stdout).agreement.detection;
    expect(detection).toHaveLength(1);
    expect(detection[0]).toMatchObject({
      reference: 'A/slide.geojson',
      test: 'B/slide.geojson',
      matched: 2,
      referenceObjects: 3,
      testObjects: 3,
    });
    expect(detection[0].f1).toBeCloseTo(2 / 3, 6);
  });
});
