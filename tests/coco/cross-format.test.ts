import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { center } from '../../src/geometry/shapes.js';
import { findConverter } from '../../src/formats.js';
import { silentLogger } from '../../src/log.js';
import { Messages } from '../../src/messages.js';
import { collect } from '../../src/model/collect.js';
import { real, runCli, tempDir } from '../helpers.js';
import { pythonLoad, readCoco } from './read.js';

async function readSqlite(path: string) {
  const converter = findConverter('sliderunner-sqlite')!;
  const context = { messages: new Messages(), logger: silentLogger, options: {} };
  return collect(converter.read!({ path }, context));
}

const PAIRS = [
  { coco: 'midog_MIDOG.json', sqlite: 'midog_MIDOG.sqlite', objects: 4435 },
  { coco: 'midog_MIDOG_HamamatsuXR.json', sqlite: 'midog_MIDOG_HamamatsuXR.sqlite', objects: 1175 },
];

describe('COCO and SlideRunner copies of the MIDOG data', () => {
  for (const pair of PAIRS) {
    it(`should agree on slide, class and centre of all ${pair.objects} objects of ${pair.coco}`, async () => {
      const { set: coco } = await readCoco(real('coco', pair.coco));
      const sqlite = await readSqlite(real('sliderunner-sqlite', pair.sqlite));
      expect(coco.objects).toHaveLength(pair.objects);
      expect(sqlite.objects).toHaveLength(pair.objects);
      // COCO category id ↔ SlideRunner class uid, and the same names
      for (const [id, cls] of coco.classes) {
        const twin = sqlite.classes.get(id);
        expect(twin?.sourceIds?.['sliderunner-sqlite']).toBe(cls.sourceIds?.coco);
      }
      // annotation id ↔ Annotations.uid
      const byId = new Map(sqlite.objects.map((o) => [o.id, o]));
      const disagreements: string[] = [];
      for (const object of coco.objects) {
        const twin = byId.get(object.id);
        const [cx, cy] = center(object.geometry!)!;
        const [sx, sy] = twin?.geometry ? center(twin.geometry)! : [Number.NaN, Number.NaN];
        const near = Math.abs(cx - sx) <= 0.5 && Math.abs(cy - sy) <= 0.5;
        if (!twin || twin.slide !== object.slide || twin.class !== object.class || !near) {
          disagreements.push(`${object.id}: ${object.slide} ${object.class} (${cx}, ${cy})`);
        }
      }
      expect(disagreements).toEqual([]);
    });
  }
});

const OTHERS = [
  ...readdirSync(real('qupath-geojson')).map((name) => ['qupath-geojson', name]),
  ...readdirSync(real('asap-xml')).map((name) => ['asap-xml', name]),
].filter(([, name]) => !name!.endsWith('.md'));

describe('real QuPath and ASAP files written as COCO', () => {
  for (const [format, name] of OTHERS) {
    it(`should write ${name} so that Python loads it with every box inside its image`, async () => {
      const output = join(await tempDir(), 'out.json');
      const result = await runCli(['convert', real(format!, name!), '--to', 'coco', '-o', output]);
      expect(result.code).toBe(0);
      const loaded = pythonLoad(output);
      expect(loaded.annotations).toBeGreaterThan(0);
      expect(loaded.outside).toEqual([]);
    });
  }
});
