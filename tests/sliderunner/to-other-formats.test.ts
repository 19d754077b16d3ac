import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { converters } from '../../src/formats.js';
import { local, runCli, tempDir } from '../helpers.js';
import { buildDb, convertTo, FORMAT, readDb, realDb } from './support.js';

const EMPTY = realDb('sliderunner_Slides_empty.sqlite');

/** Every registered format that can be written, other than SlideRunner itself. */
const TARGETS = converters.filter((c) => c.createWriter && c.format.id !== FORMAT);

describe('the empty SlideRunner database to every other format', () => {
  it('should have other formats registered to convert to', () => {
    expect(TARGETS.length).toBeGreaterThan(0);
  });

  for (const target of TARGETS) {
    it(`should convert sliderunner_Slides_empty.sqlite to ${target.format.id} without error`, async () => {
      const out = join(await tempDir(), `empty${target.format.extensions[0] ?? ''}`);
      const result = await runCli(['convert', EMPTY, '--to', target.format.id, '-o', out]);
      expect(result.stderr).not.toMatch(/error/i);
      expect(result.code).toBe(0);
      expect(existsSync(out)).toBe(true);
    });
  }
});

describe('soft-deleted SlideRunner annotations in other formats', () => {
  const withoutDeleted = converters.filter(
    (c) => c.createWriter && !c.format.capabilities.deletedFlag,
  );

  it.skipIf(withoutDeleted.length === 0)(
    'should leave deleted annotations out of formats without a deleted flag unless asked',
    async () => {
      const source = await buildDb('features-2020.sql');
      for (const target of withoutDeleted) {
        const dir = await tempDir();
        // One-slide formats get a folder (the fixture has two slides), the others one file.
        const out = (name: string) =>
          join(
            dir,
            target.format.multiSlide ? `${name}${target.format.extensions[0]}` : `${name}/`,
          );
        const plain = await convertTo(source, target.format.id, out('plain'));
        const kept = await convertTo(source, target.format.id, out('all'), {
          includeDeleted: true,
        });
        expect(
          plain.loss.entriesList().find((e) => e.code === 'DELETED_EXCLUDED')?.examples,
        ).toEqual(['11']);
        expect(kept.loss.entriesList().some((e) => e.code === 'DELETED_EXCLUDED')).toBe(false);
      }
    },
  );

  it('should keep deleted annotations, flagged, in SlideRunner and canonical output', async () => {
    const source = await buildDb('features-2020.sql');
    const out = join(await tempDir(), 'kept.sqlite');
    await convertTo(source, FORMAT, out);
    const db = new Database(out, { readonly: true });
    expect(db.prepare('SELECT deleted FROM Annotations WHERE uid = 11').pluck().get()).toBe(1);
    db.close();
    const set = await readDb(out);
    expect(set.objects.find((o) => o.id === '11')?.flags?.deleted).toBe(true);
  });
});

describe('shapes SlideRunner cannot hold as they are', () => {
  it('should report each change in the loss report and write what it can', async () => {
    const out = join(await tempDir(), 'shapes.sqlite');
    const result = await convertTo(local('sliderunner', 'shapes.ndjson'), FORMAT, out);
    const losses = Object.fromEntries(result.loss.entriesList().map((e) => [e.code, e.examples]));
    expect(losses).toEqual({
      CIRCLE_RADIUS_TRUNCATED: ['circle'],
      CLASS_PATH_FLATTENED: ['Tumor: Positive'],
      COLOR_DROPPED: ['cell'],
      ELLIPSE_POLYGONISED: ['oval'],
      GEOMETRY_UNSUPPORTED: ['line'],
      HOLES_DROPPED: ['hole'],
      KIND_LOST: ['cell'],
      MASK_UNSUPPORTED: ['mask'],
      MEASUREMENTS_DROPPED: ['cell'],
      MULTIPOINT_SPLIT: ['points'],
      MULTIPOLYGON_SPLIT: ['multi'],
      NAME_DROPPED: ['cell'],
      RECTANGLE_POLYGONISED: ['tilted'],
      SLIDE_INFO_DROPPED: ['s1.svs'],
      SPLINE_DENSIFIED: ['curve'],
    });
    expect(result.loss.objectsWritten).toBe(9);

    const db = new Database(out, { readonly: true });
    const types = db.prepare('SELECT type, count(*) FROM Annotations GROUP BY type').raw().all();
    const hole = db
      .prepare(
        'SELECT coordinateX, coordinateY FROM Annotations_coordinates WHERE annoId = 1 ORDER BY orderIdx',
      )
      .raw()
      .all();
    const circle = db
      .prepare(
        'SELECT coordinateX, coordinateY FROM Annotations_coordinates WHERE annoId = 8 ORDER BY orderIdx',
      )
      .raw()
      .all();
    db.close();
    // spots: 3 split points + the cell; polygons: hole, 2 parts, oval, tilted, curve.
    expect(types).toEqual([
      [1, 4],
      [2, 1],
      [3, 6],
      [5, 1],
    ]);
    expect(hole).toEqual([
      [0, 0],
      [100, 0],
      [100, 100],
      [0, 100],
      [0, 0],
    ]);
    expect(circle).toEqual([
      [41, 51],
      [59, 69],
    ]);
  });
});
