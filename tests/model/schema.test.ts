import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type {
  AnnotationClass,
  AnnotationObject,
  Annotator,
  DatasetHeader,
  Geometry,
  Group,
  Slide,
} from '../../src/model/types.js';
import { validateRecord } from '../../src/model/validate-record.js';
import { ROOT } from '../helpers.js';

/**
 * The TypeScript types and the JSON Schema describe the same records. Each list below must
 * name every member of its type: `Exact` fails to compile when a member is added to the type
 * and not to the list (or the other way round), and the tests compare each list with the
 * schema's `properties`.
 */
type Exact<T, L extends readonly string[]> = [keyof T] extends [L[number]]
  ? [L[number]] extends [keyof T]
    ? L
    : never
  : never;

function keys<T>() {
  return <const L extends readonly string[]>(list: Exact<T, L>) => list;
}

type GeometryOf<K extends Geometry['type']> = Extract<Geometry, { type: K }>;

const RECORD_KEYS = {
  dataset: keys<DatasetHeader>()(['type', 'schema', 'name', 'sources', 'extras']),
  slide: keys<Slide>()([
    'type',
    'id',
    'name',
    'width',
    'height',
    'mpp',
    'frame',
    'split',
    'patient',
    'case',
    'fingerprint',
    'metadata',
    'sourceIds',
    'extras',
  ]),
  class: keys<AnnotationClass>()([
    'type',
    'id',
    'name',
    'path',
    'color',
    'supercategory',
    'flags',
    'sourceIds',
    'extras',
  ]),
  annotator: keys<Annotator>()(['type', 'id', 'name', 'kind', 'sourceIds', 'extras']),
  group: keys<Group>()(['type', 'id', 'name', 'parent', 'color', 'attributes', 'extras']),
  object: keys<AnnotationObject>()([
    'type',
    'id',
    'slide',
    'kind',
    'geometry',
    'nucleus',
    'plane',
    'class',
    'labels',
    'name',
    'description',
    'color',
    'flags',
    'score',
    'created',
    'modified',
    'measurements',
    'metadata',
    'parent',
    'group',
    'partOf',
    'sourceIds',
    'extras',
  ]),
};

const GEOMETRY_KEYS = {
  pointGeometry: keys<GeometryOf<'point'>>()(['type', 'coordinates']),
  multipointGeometry: keys<GeometryOf<'multipoint'>>()(['type', 'coordinates']),
  lineGeometry: keys<GeometryOf<'line'>>()(['type', 'coordinates']),
  polygonGeometry: keys<GeometryOf<'polygon'>>()(['type', 'rings', 'closed']),
  multipolygonGeometry: keys<GeometryOf<'multipolygon'>>()(['type', 'polygons', 'closed']),
  rectangleGeometry: keys<GeometryOf<'rectangle'>>()([
    'type',
    'x',
    'y',
    'width',
    'height',
    'rotation',
  ]),
  ellipseGeometry: keys<GeometryOf<'ellipse'>>()([
    'type',
    'cx',
    'cy',
    'rx',
    'ry',
    'rotation',
    'encoding',
    'vertices',
  ]),
  splineGeometry: keys<GeometryOf<'spline'>>()(['type', 'controlPoints', 'interpolation']),
  maskGeometry: keys<GeometryOf<'mask'>>()([
    'type',
    'x',
    'y',
    'width',
    'height',
    'counts',
    'order',
  ]),
};

const schema = JSON.parse(readFileSync(join(ROOT, 'schemas', 'canonical.schema.json'), 'utf8'));

function schemaKeys(def: string): string[] {
  return Object.keys(schema.$defs[def].properties).sort();
}

describe('canonical schema and types', () => {
  for (const [def, list] of Object.entries({ ...RECORD_KEYS, ...GEOMETRY_KEYS })) {
    it(`should list the same members for ${def} in the schema and the types`, () => {
      expect(schemaKeys(def)).toEqual([...list].sort());
    });
  }

  it('should accept a full object record and reject a misspelt member', () => {
    const object: AnnotationObject = {
      type: 'object',
      id: 'a',
      slide: 's',
      kind: 'cell',
      geometry: {
        type: 'polygon',
        rings: [
          [
            [0, 0],
            [4, 0],
            [4, 4],
          ],
        ],
        closed: true,
      },
      nucleus: { type: 'ellipse', cx: 2, cy: 2, rx: 1, ry: 1 },
      plane: { z: 1 },
      class: 'Tumor: Positive',
      labels: [{ annotator: 'expert 1', class: null, sourceId: 3, exactId: null }],
      measurements: { area: 8 },
      flags: { locked: true, zOrder: 2 },
      partOf: { id: 'p', index: 0 },
    };
    expect(validateRecord(object)).toBeUndefined();
    expect(validateRecord({ ...object, clas: 'x' })?.where.expected).toContain('clas');
  });

  it('should accept non-finite measurements only in their string spelling', () => {
    const base = { type: 'object', id: 'a', slide: 's', kind: 'annotation', geometry: null };
    expect(validateRecord({ ...base, measurements: { m: 'NaN', n: '-Infinity' } })).toBeUndefined();
    expect(validateRecord({ ...base, measurements: { m: 'nan' } })).toBeDefined();
  });
});
