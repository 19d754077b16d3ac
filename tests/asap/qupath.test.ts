import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ellipseRing } from '../../src/geometry/shapes.js';
import { formatFloat32 } from '../../src/io/xml.js';
import { vertices } from '../../src/geometry/shapes.js';
import type { LossCode } from '../../src/loss-codes.js';
import { type AnnotationSet, emptySet } from '../../src/model/collect.js';
import { compareSets } from '../../src/model/compare.js';
import type { AnnotationObject, Geometry, Ring } from '../../src/model/types.js';
import { real, tempDir } from '../helpers.js';
import { FLOAT32_TOLERANCE, convertFile, pythonCount, readSet } from '../xml/helpers.js';

const FOLDER = real('qupath-geojson');
const FILES = readdirSync(FOLDER).filter((f) => f.endsWith('.geojson'));

type Counts = Map<LossCode, number>;

/**
 * What an ASAP file can hold of a QuPath object, worked out here from ASAP's limits (no holes,
 * multipolygons, ellipses, kinds, measurements, flags or ids), with the loss code each change
 * must be reported under. The converted file read back must equal this and nothing less.
 */
function expectAsap(object: AnnotationObject, counts: Counts): AnnotationObject[] {
  const note = (code: LossCode) => counts.set(code, (counts.get(code) ?? 0) + 1);
  const base: AnnotationObject = { ...object, kind: 'annotation' };
  if (object.kind !== 'annotation') note('KIND_LOST');
  if (object.measurements && Object.keys(object.measurements).length) note('MEASUREMENTS_DROPPED');
  if (object.nucleus) note('NUCLEUS_DROPPED');
  if (object.flags && Object.values(object.flags).some((v) => v)) note('FLAGS_DROPPED');
  if (object.metadata || object.description) note('METADATA_DROPPED');
  if (object.plane) note('PLANE_DROPPED');
  if (object.parent) note('HIERARCHY_DROPPED');
  for (const key of [
    'measurements',
    'nucleus',
    'flags',
    'metadata',
    'description',
    'plane',
    'parent',
  ] as const) {
    delete base[key];
  }
  if (base.class !== undefined) base.group = base.class;
  const parts = partsOf(object.geometry!, note);
  const out: AnnotationObject[] = [];
  for (const [outer, ...holes] of parts) {
    out.push({ ...base, geometry: polygonOrSame(object.geometry!, outer!) });
    holes.forEach((ring, n) => {
      note('HOLES_SEPARATED');
      const name = `${object.name ?? object.id} hole ${n + 1}`;
      out.push({ ...hole(object, ring), name });
    });
  }
  note('OBJECT_ID_DROPPED');
  for (const v of vertices(object.geometry!)) {
    if (Number(formatFloat32(v[0])) !== v[0] || Number(formatFloat32(v[1])) !== v[1]) {
      note('COORDS_ROUNDED');
      break;
    }
  }
  return out;
}

function partsOf(g: Geometry, note: (code: LossCode) => void): Ring[][] {
  if (g.type === 'multipolygon') {
    note('MULTIPOLYGON_SPLIT');
    return g.polygons;
  }
  if (g.type === 'polygon') return [g.rings];
  if (g.type === 'ellipse') {
    note('ELLIPSE_POLYGONISED');
    return [[ellipseRing(g)]];
  }
  return [[]];
}

function polygonOrSame(g: Geometry, outer: Ring | undefined): Geometry {
  if (outer === undefined) return g;
  return { type: 'polygon', rings: [outer] };
}

function hole(object: AnnotationObject, ring: Ring): AnnotationObject {
  return {
    type: 'object',
    id: '',
    slide: object.slide,
    kind: 'annotation',
    geometry: { type: 'polygon', rings: [ring] },
    class: 'exclusion',
    group: 'exclusion',
  };
}

function expectedSet(source: AnnotationSet, counts: Counts): AnnotationSet {
  const set = emptySet();
  set.slides = source.slides;
  set.classes = source.classes;
  set.objects = source.objects.flatMap((o) => expectAsap(o, counts));
  set.objects.forEach((o, n) => {
    o.id = `a${n}`;
  });
  counts.set('SLIDE_INFO_DROPPED', 1);
  return set;
}

describe('QuPath GeoJSON to ASAP XML and back', () => {
  for (const name of FILES) {
    it(`should carry ${name} through ASAP with exactly the reported losses`, async () => {
      const source = join(FOLDER, name);
      const original = await readSet('qupath-geojson', source);
      const out = join(await tempDir(), 'out.xml');
      const result = await convertFile(source, 'asap-xml', out);
      expect(pythonCount(out, 'Annotation')).toBeGreaterThan(0);

      const counts: Counts = new Map();
      const expected = expectedSet(original.set, counts);
      const reported = result.loss.entriesList().map((e) => [e.code, e.count]);
      expect(reported).toEqual([...counts].sort(([a], [b]) => a.localeCompare(b)));

      const slide = [...original.set.slides.keys()][0];
      const back = await readSet('asap-xml', out, {}, slide);
      back.set.slides = expected.slides;
      // Colour spellings, source ids and "closed" are how a format writes things, not data.
      const ignore = ['source', 'sourceIds', 'closed'];
      const classes = [...back.set.classes.keys()].filter((id) => id !== 'exclusion');
      expect(classes.sort()).toEqual([...expected.classes.keys()].sort());
      back.set.classes = expected.classes;
      back.set.groups = expected.groups;
      const diffs = compareSets(expected, back.set, {
        tolerance: FLOAT32_TOLERANCE,
        ignore,
        byOrder: true,
      });
      expect(diffs).toEqual([]);
    });
  }
});
