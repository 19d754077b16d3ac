import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareSets } from '../../src/model/compare.js';
import { local, runCli, tempDir } from '../helpers.js';
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

describe('ImageScope bad input', () => {
  async function variant(from: string, to: string): Promise<string> {
    const path = join(await tempDir(), 'bad.xml');
    await writeFile(path, readFileSync(SHAPES, 'utf8').replace(from, to));
    return path;
  }

  it('should refuse a vertex that is not a number, naming its line, and write nothing', async () => {
    const input = await variant('<Vertex X="1000" Y="0" Z="0"/>', '<Vertex X="1e" Y="0" Z="0"/>');
    const out = join(await tempDir(), 'out.xml');
    const r = await runCli(['convert', input, '--to', 'imagescope-xml', '-o', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/bad\.xml \(line 10\).*X is not a number/);
    expect(existsSync(out)).toBe(false);
  });

  it('should name the line and column of malformed XML', async () => {
    const input = await variant('</Regions>\n\t\t<Plots/>', '<Plots/>');
    const r = await runCli(['convert', input, '--to', 'canonical', '-o', '-']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/bad\.xml \(line \d+, column \d+\): not well-formed XML/);
  });

  it('should warn about an unknown region type and read the region as a polygon', async () => {
    const input = await variant('<Region Id="1" Type="0"', '<Region Id="1" Type="9"');
    const { set, messages } = await readSet('imagescope-xml', input);
    expect(messages.list.map((m) => m.ruleId)).toEqual(['imagescope/unknown-region-type']);
    expect(set.objects[0]!.geometry?.type).toBe('polygon');
  });
});
