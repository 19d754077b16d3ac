import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareSets } from '../../src/model/compare.js';
import { real, tempDir } from '../helpers.js';
import { FLOAT32_TOLERANCE, convertFile, pythonCount, readSet } from '../xml/helpers.js';

const FOLDER = real('imagescope-xml');
const FILES = readdirSync(FOLDER).filter((f) => f.endsWith('.xml'));

describe('ImageScope XML round trip through the canonical model', () => {
  it('should find the real ImageScope fixtures', () => {
    expect(FILES.length).toBeGreaterThanOrEqual(2);
  });

  for (const name of FILES) {
    it(`should write and re-read ${name} with the same objects and layers`, async () => {
      const source = join(FOLDER, name);
      const text = readFileSync(source, 'utf8');
      const first = await readSet('imagescope-xml', source);
      expect(first.messages.hasErrors).toBe(false);
      expect(first.set.objects).toHaveLength(text.match(/<Region\s/g)?.length ?? 0);
      expect(first.set.classes.size).toBe(text.match(/<Annotation\s/g)?.length ?? 0);
      const slide = [...first.set.slides.values()][0]!;
      expect(slide.mpp).toEqual({ x: 0.2281, y: 0.2281, source: 'annotation-file' });

      const out = join(await tempDir(), 'out.xml');
      const result = await convertFile(source, 'imagescope-xml', out);
      expect(result.loss.entriesList()).toEqual([]);
      expect(pythonCount(out, 'Region')).toBe(first.set.objects.length);
      expect(pythonCount(out, 'Vertex')).toBe(text.match(/<Vertex\s/g)?.length ?? 0);

      const again = await readSet('imagescope-xml', out, {}, slide.id);
      expect(compareSets(first.set, again.set, { tolerance: FLOAT32_TOLERANCE })).toEqual([]);
    });
  }

  it('should read LineColor as a COLORREF (0x00BBGGRR): 255 is red, 16711680 blue', async () => {
    const { set } = await readSet('imagescope-xml', join(FOLDER, FILES[0]!));
    const colours = [...set.classes.values()].map((c) => [c.name, c.color?.rgba]);
    expect(colours).toEqual([
      ['layer 1 (#00ff00)', [0, 255, 0, 1]],
      ['layer 2 (#ffff00)', [255, 255, 0, 1]],
      ['layer 3 (#ff0000)', [255, 0, 0, 1]],
      ['layer 4 (#0000ff)', [0, 0, 255, 1]],
    ]);
  });

  it('should name unnamed layers from --imagescope-class-map', async () => {
    const options = { 'imagescope-class-map': '65280=glomerulus, 255=vessel' };
    const { set } = await readSet('imagescope-xml', join(FOLDER, FILES[0]!), options);
    const names = [...set.classes.values()].map((c) => c.name);
    expect(names).toEqual(['glomerulus', 'layer 2 (#ffff00)', 'vessel', 'layer 4 (#0000ff)']);
    const tagged = set.objects.filter((o) => o.class === 'glomerulus');
    expect(tagged.length).toBeGreaterThan(0);
  });
});
