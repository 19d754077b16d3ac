import { describe, expect, it } from 'vitest';
import { local } from '../helpers.js';
import { readFile } from './read-file.js';

function object(set: Awaited<ReturnType<typeof readFile>>['set'], id: string) {
  const found = set.objects.find((o) => o.id === id);
  if (!found) throw new Error(`no object ${id}`);
  return found;
}

describe('QuPath GeoJSON reader, version styles', () => {
  it('should read a 0.2 bare array with class-name ids, colorRGB, parent classes and lists', async () => {
    const { set, messages } = await readFile(local('qupath', 'v02-array.json'));
    expect(messages).toEqual([]);
    expect(set.dataset?.sources[0]?.version).toBe('0.2');
    expect([...set.slides.keys()]).toEqual(['v02-array']);
    expect(set.classes.get('Tumor')?.color).toEqual({
      rgba: [200, 0, 0, 1],
      source: { form: 'packed-argb', value: -3670016 },
    });
    expect(set.classes.get('Tumor: Positive')).toMatchObject({
      path: ['Tumor', 'Positive'],
      color: { rgba: [255, 0, 0, 1], source: { form: 'packed-argb', value: -65536 } },
    });
    const [first, second] = set.objects;
    expect(first).toMatchObject({ id: 'f0', kind: 'annotation', class: 'Tumor' });
    expect(first?.flags).toBeUndefined();
    expect(first?.measurements).toBeUndefined();
    expect(first?.sourceIds).toEqual({ 'qupath-geojson': 'PathAnnotationObject' });
    expect(first?.geometry).toEqual({
      type: 'polygon',
      rings: [
        [
          [10, 10],
          [110, 10],
          [110, 60],
          [10, 60],
        ],
      ],
      closed: true,
    });
    expect(second).toMatchObject({ id: 'f1', kind: 'detection', class: 'Tumor: Positive' });
    expect(second?.flags).toEqual({ locked: true });
    expect(second?.measurements?.Area).toBe(56.5);
    expect(second?.measurements?.Mean).toBeNaN();
  });

  it('should read 0.3 object_type, tma_core, isMissing, object colours and lines', async () => {
    const { set, messages } = await readFile(local('qupath', 'v03-object-type.geojson'));
    expect(messages).toEqual([]);
    expect(set.dataset?.sources[0]?.version).toBe('0.3');
    const [core, ruler, point] = set.objects;
    expect(core).toMatchObject({
      id: 'f0',
      kind: 'tmaCore',
      name: 'A-1',
      flags: { missing: true },
    });
    expect(ruler).toMatchObject({
      id: 'f1',
      kind: 'annotation',
      name: 'ruler',
      class: 'Stroma',
      color: { rgba: [0, 128, 255, 1], source: { form: 'rgb-array', value: [0, 128, 255] } },
      geometry: {
        type: 'line',
        coordinates: [
          [5, 5],
          [50.5, 60.25],
        ],
      },
      measurements: { 'Length µm': 12.5 },
    });
    expect(set.classes.get('Stroma')?.color?.rgba).toEqual([0, 128, 0, 1]);
    expect(point).toMatchObject({
      id: 'f2',
      kind: 'detection',
      geometry: { type: 'point', coordinates: [7.5, 8.25] },
      measurements: { Score: 0.75 },
    });
  });

  it('should read 0.4 UUIDs, isEllipse, derived names, bare NaN/Infinity and child objects', async () => {
    const { set, messages } = await readFile(local('qupath', 'v04-uuid-ellipse.geojson'));
    expect(messages).toEqual([]);
    expect(set.dataset?.sources[0]?.version).toBe('0.4');
    const parent = object(set, '1b8a7c2e-3f4d-4e5a-8b6c-7d8e9f0a1b2c');
    expect(parent.geometry).toEqual({
      type: 'ellipse',
      cx: 100,
      cy: 100,
      rx: 50,
      ry: 50,
      encoding: 'polygon-envelope',
      vertices: [
        [100, 50],
        [150, 100],
        [100, 150],
        [50, 100],
      ],
    });
    expect(parent).toMatchObject({ class: 'Tumor: Positive', name: 'round region' });
    expect(parent.flags).toEqual({ locked: true });
    expect(set.classes.get('Tumor: Positive')?.path).toEqual(['Tumor', 'Positive']);
    const m = parent.measurements!;
    expect(m['Area µm^2']).toBe(1234.5);
    expect(m.Ratio).toBeNaN();
    expect(m.Max).toBe(Number.POSITIVE_INFINITY);
    expect(m.Min).toBe(Number.NEGATIVE_INFINITY);
    const child = object(set, '2c9b8d3f-4a5e-4f6b-9c7d-8e9f0a1b2c3d');
    expect(child).toMatchObject({ parent: parent.id, class: 'Immune cells' });
    expect(parent.extras).toBeUndefined();
  });

  it('should read 0.5 string NaN, a duplicated metadata key, holes, multipolygons, children', async () => {
    const { set, messages } = await readFile(local('qupath', 'v05-string-nan.geojson'));
    expect(messages).toEqual([]);
    expect(set.dataset?.sources[0]?.version).toBe('0.5+');
    const necrosis = object(set, '3d0c9e4a-5b6f-4a7c-8d8e-9f0a1b2c3d4e');
    expect(necrosis.metadata).toEqual({ source: 'pathologist A' });
    expect(necrosis.measurements?.Mean).toBeNaN();
    expect(necrosis.measurements?.Peak).toBe(Number.POSITIVE_INFINITY);
    expect(necrosis.measurements?.Floor).toBe(Number.NEGATIVE_INFINITY);
    expect(necrosis.measurements?.Count).toBe(3);
    expect(necrosis.geometry?.type === 'polygon' && necrosis.geometry.rings.length).toBe(2);
    expect(necrosis.extras).toEqual({
      'qupath-geojson': {
        feature: { bbox: [0, 0, 40, 40] },
        properties: { customTool: { version: 2 } },
      },
    });
    const multi = object(set, '4e1d0f5b-6c7a-4b8d-9e9f-0a1b2c3d4e5f');
    expect(multi.geometry?.type === 'multipolygon' && multi.geometry.polygons.length).toBe(2);
    expect(object(set, '5f2e1a6c-7d8b-4c9e-8f0a-1b2c3d4e5f60')).toMatchObject({
      parent: multi.id,
      name: 'spots',
      geometry: {
        type: 'multipoint',
        coordinates: [
          [105, 101],
          [110, 102.5],
        ],
      },
    });
  });

  it('should read a cell with its nucleus geometry and plane', async () => {
    const { set, messages } = await readFile(local('qupath', 'cell-nucleus.geojson'));
    expect(messages).toEqual([]);
    const [cell] = set.objects;
    expect(cell).toMatchObject({
      kind: 'cell',
      class: 'Tumor',
      plane: { c: -1, z: 2, t: 1 },
      measurements: { 'Nucleus: Area': 16, 'Cell: Area': 100 },
    });
    expect(cell?.nucleus).toEqual({
      type: 'polygon',
      rings: [
        [
          [3, 3],
          [7, 3],
          [7, 7],
          [3, 7],
        ],
      ],
      closed: true,
    });
  });

  it('should read a single Feature and a class given as a plain string', async () => {
    const { set, messages } = await readFile(local('qupath', 'single-feature.geojson'), 'slide-7');
    expect(messages).toEqual([]);
    expect(set.objects).toHaveLength(1);
    expect(set.objects[0]).toMatchObject({
      id: '7b4a3c8e-9f0d-4e1a-8b2c-3d4e5f6a7b8c',
      slide: 'slide-7',
      name: 'only one',
      class: 'Stroma',
    });
    expect([...set.slides.keys()]).toEqual(['slide-7']);
  });

  it('should read a bare geometry as one unclassified annotation', async () => {
    const { set, messages } = await readFile(local('qupath', 'bare-geometry.geojson'));
    expect(messages).toEqual([]);
    expect(set.objects).toEqual([
      {
        type: 'object',
        id: 'f0',
        slide: 'bare-geometry',
        kind: 'annotation',
        geometry: {
          type: 'polygon',
          rings: [
            [
              [2, 2],
              [8, 2],
              [8, 8],
            ],
          ],
          closed: true,
        },
      },
    ]);
  });

  it('should refuse a stringified classification with a message naming the feature', async () => {
    const file = local('qupath', 'bad', 'stringified-classification.geojson');
    const { set, messages } = await readFile(file);
    expect(set.objects).toEqual([]);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({
      severity: 'error',
      file,
      place: expect.stringContaining('/features/0/properties/classification'),
      message: expect.stringContaining('refusing to guess'),
    });
  });

  it('should collect every bad feature instead of stopping at the first', async () => {
    const { set, messages } = await readFile(local('qupath', 'bad', 'many-problems.geojson'));
    expect(set.objects.map((o) => o.id)).toEqual(['f0', 'f2']);
    expect(messages.map((m) => m.place)).toEqual([
      'feature 1 at /features/1/geometry/type, line 3',
      'feature 3 at /features/3/geometry/coordinates/0/2, line 5',
    ]);
  });
});
