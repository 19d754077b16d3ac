import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareSets } from '../../src/model/compare.js';
import type { PolygonGeometry } from '../../src/model/types.js';
import { local, real, tempDir } from '../helpers.js';
import { convertFile, readSet } from '../xml/helpers.js';

const TUMOR_036 = real('asap-xml', 'pathml_camelyon16_tumor_036_metastasis_negative.xml');
const HAND_MADE = local('asap', 'exclusions.xml');

describe('ASAP exclusion groups', () => {
  it('should make the negatives of tumor_036 holes of the metastases around them', async () => {
    const plain = await readSet('asap-xml', TUMOR_036);
    const negatives = plain.set.objects.filter((o) => o.group === 'negative');
    expect(negatives).toHaveLength(2);

    const { set, loss } = await readSet('asap-xml', TUMOR_036, { 'exclusion-group': ['negative'] });
    expect(set.objects).toHaveLength(103);
    expect(set.objects.every((o) => o.group === 'metastasis')).toBe(true);
    const holed = set.objects.filter((o) => (o.geometry as PolygonGeometry).rings.length > 1);
    expect(holed.map((o) => o.name)).toEqual(['_1', '_6']);
    const holes = holed.map((o) => (o.geometry as PolygonGeometry).rings[1]);
    const expected = negatives.map((o) => (o.geometry as PolygonGeometry).rings[0]);
    expect(holes).toEqual(expected);
    for (const object of holed) {
      const outer = plain.set.objects.find((o) => o.name === object.name)!;
      expect((object.geometry as PolygonGeometry).rings[0]).toEqual(
        (outer.geometry as PolygonGeometry).rings[0],
      );
    }
    const entry = loss.entriesList().find((e) => e.code === 'EXCLUSIONS_TO_HOLES');
    expect(entry?.count).toBe(2);
  });

  it('should give a hole to its smallest container and keep outside ones apart', async () => {
    const { set, loss } = await readSet('asap-xml', HAND_MADE, { 'exclusion-group': '_2' });
    const inner = set.objects.find((o) => o.name === 'inner')!;
    expect(inner.geometry).toEqual({
      type: 'polygon',
      rings: [
        [
          [100, 100],
          [600, 100],
          [600, 600],
          [100, 600],
        ],
        [
          [200, 200],
          [300, 200],
          [300, 300],
        ],
      ],
    });
    const outer = set.objects.find((o) => o.name === 'outer')!;
    expect((outer.geometry as PolygonGeometry).rings).toHaveLength(1);
    const apart = set.objects.find((o) => o.name === 'outside everything')!;
    expect(apart.flags).toEqual({ negative: true });
    const codes = loss.entriesList().map((e) => [e.code, e.count]);
    expect(codes).toEqual([
      ['EXCLUSIONS_TO_HOLES', 1],
      ['EXCLUSIONS_UNMATCHED', 1],
      ['RECTANGLE_POLYGONISED', 1],
    ]);
  });

  it('should write holes to the exclusion group and read them back as holes', async () => {
    const options = { 'exclusion-group': ['_2'] };
    const first = await readSet('asap-xml', HAND_MADE, options);
    const out = join(await tempDir(), 'out.xml');
    const result = await convertFile(HAND_MADE, 'asap-xml', out, options);
    const written = result.loss.entriesList().map((e) => e.code);
    expect(written).toContain('HOLES_SEPARATED');
    expect(written).not.toContain('OBJECT_ID_DROPPED');
    const again = await readSet('asap-xml', out, options, 'exclusions');
    const diffs = compareSets(first.set, again.set);
    expect(diffs).toEqual([]);
  });

  it('should read every ASAP type, group nesting and group attributes', async () => {
    const { set } = await readSet('asap-xml', HAND_MADE);
    const byName = new Map(set.objects.map((o) => [o.name, o]));
    expect(byName.get('inner')!.geometry).toEqual({
      type: 'rectangle',
      x: 100,
      y: 100,
      width: 500,
      height: 500,
    });
    expect(byName.get('ruler')!.geometry).toEqual({
      type: 'line',
      coordinates: [
        [1.5, 2.25],
        [5, 6],
      ],
    });
    expect(byName.get('points')!.geometry).toEqual({
      type: 'multipoint',
      coordinates: [
        [7, 8],
        [9, 10],
      ],
    });
    expect(byName.get('spot')!.geometry).toEqual({ type: 'point', coordinates: [11, 12] });
    expect(byName.get('spot')!.color?.rgba).toEqual([0, 255, 0, 1]);
    expect(set.groups.get('_0')).toMatchObject({ parent: 'tumour' });
    expect(set.groups.get('tumour')).toMatchObject({ attributes: { source: 'camelyon16' } });
    expect(byName.get('inner')!.class).toBe('_0');
  });

  it('should take classes from annotation names with --class-from name', async () => {
    const { set } = await readSet('asap-xml', HAND_MADE, { 'class-from': 'name' });
    expect([...set.classes.keys()]).toContain('outer');
    expect(set.objects.find((o) => o.name === 'spot')!.class).toBe('spot');
    expect(set.objects.find((o) => o.name === 'spot')!.group).toBe('_1');
  });
});
