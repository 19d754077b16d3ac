import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareSets } from '../../src/model/compare.js';
import { local, tempDir } from '../helpers.js';
import { convertFile, pythonCount, readSet } from '../xml/helpers.js';

const SHAPES = local('imagescope', 'shapes.xml');

describe('ImageScope regions', () => {
  it('should read NegativeROA regions as holes of the region around them', async () => {
    const { set, loss } = await readSet('imagescope-xml', SHAPES);
    const outer = set.objects.find((o) => o.name === 'region with two holes')!;
    expect(outer.geometry).toEqual({
      type: 'polygon',
      rings: [
        [
          [0, 0],
          [1000, 0],
          [1000, 1000],
          [0, 1000],
        ],
        [
          [100, 100],
          [200, 100],
          [200, 200],
        ],
        [
          [500, 500],
          [600, 500],
          [600, 600],
          [500, 600],
        ],
      ],
    });
    const separate = set.objects.filter((o) => o.flags?.negative).map((o) => o.id);
    expect(separate).toEqual(['r2', 'r5']);
    const codes = loss.entriesList().map((e) => [e.code, e.count]);
    expect(codes).toEqual([
      ['EXCLUSIONS_TO_HOLES', 2],
      ['EXCLUSIONS_UNMATCHED', 2],
    ]);
  });

  it('should keep ellipses as ellipses and read arrows and rulers as lines', async () => {
    const { set } = await readSet('imagescope-xml', SHAPES);
    const byName = new Map(set.objects.map((o) => [o.name, o.geometry]));
    expect(byName.get('an ellipse')).toEqual({
      type: 'ellipse',
      cx: 2200,
      cy: 2100,
      rx: 200,
      ry: 100,
      encoding: 'bbox-corners',
    });
    expect(byName.get('ruler')).toEqual({
      type: 'line',
      coordinates: [
        [10, 20],
        [30, 40],
      ],
    });
    expect(byName.get('arrow')).toEqual({
      type: 'line',
      coordinates: [
        [50, 60],
        [70, 80],
      ],
    });
    expect([...set.classes.keys()]).toEqual(['tumour', 'layer 2 (#00ff00)']);
  });

  it('should write holes back as NegativeROA regions and read the same objects again', async () => {
    const first = await readSet('imagescope-xml', SHAPES);
    const out = join(await tempDir(), 'shapes.xml');
    const result = await convertFile(SHAPES, 'imagescope-xml', out);
    expect(result.loss.entriesList().filter((e) => e.effect !== 'noted')).toEqual([]);
    expect(pythonCount(out, 'Region')).toBe(8);
    const again = await readSet('imagescope-xml', out, {}, 'shapes');
    expect(compareSets(first.set, again.set)).toEqual([]);
  });
});
