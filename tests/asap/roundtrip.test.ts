import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareSets } from '../../src/model/compare.js';
import { real, tempDir } from '../helpers.js';
import { FLOAT32_TOLERANCE, convertFile, pythonCount, readSet } from '../xml/helpers.js';

const FOLDER = real('asap-xml');
const FILES = readdirSync(FOLDER).filter((f) => f.endsWith('.xml'));

describe('ASAP XML round trip through the canonical model', () => {
  it('should find the real ASAP fixtures', () => {
    expect(FILES.length).toBeGreaterThanOrEqual(10);
  });

  for (const name of FILES) {
    it(`should write and re-read ${name} with the same objects, classes, groups`, async () => {
      const source = join(FOLDER, name);
      const first = await readSet('asap-xml', source);
      const annotations = readFileSync(source, 'utf8').match(/<Annotation\s/g)?.length ?? 0;
      expect(first.set.objects).toHaveLength(annotations);
      expect(first.messages.hasErrors).toBe(false);

      const out = join(await tempDir(), 'out.xml');
      const result = await convertFile(source, 'asap-xml', out);
      expect(result.loss.entriesList()).toEqual([]);
      expect(pythonCount(out, 'Annotation')).toBe(annotations);
      expect(pythonCount(out, 'Group')).toBe(first.set.groups.size);

      const slide = [...first.set.slides.keys()][0];
      const again = await readSet('asap-xml', out, {}, slide);
      expect(compareSets(first.set, again.set, { tolerance: FLOAT32_TOLERANCE })).toEqual([]);
    });
  }
});
