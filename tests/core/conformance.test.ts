import { describe, expect, it } from 'vitest';
import { canonicalFormat } from '../../converters/canonical/format.js';
import type { Capabilities, Converter } from '../../src/converter.js';
import { detectFormat, readHead } from '../../src/detect.js';
import { converters } from '../../src/formats.js';
import { local, real } from '../helpers.js';

/**
 * One small hand-made file per format, which its own sniff must accept and every other
 * format's sniff must reject. Adding a format to `src/formats.ts`? Add one line here.
 */
const SAMPLES: Record<string, string> = {
  canonical: local('qupath', 'from-canonical.ndjson'),
  'qupath-geojson': local('qupath', 'v04-uuid-ellipse.geojson'),
  'asap-xml': local('asap', 'exclusions.xml'),
  'imagescope-xml': local('imagescope', 'shapes.xml'),
  coco: local('coco', 'instances.json'),
  // A SQLite sample has to be a binary database: the smallest real one stands in.
  'sliderunner-sqlite': real('sliderunner-sqlite', 'sliderunner_doc_demo.sqlite'),
};

/** Every canonical geometry type: the canonical form holds them all. */
const GEOMETRIES = new Set<string>(canonicalFormat.capabilities.geometries);

const CAPABILITY_TYPES: Record<keyof Capabilities, string> = {
  geometries: 'object',
  holes: 'boolean',
  classes: 'string',
  perAnnotatorLabels: 'boolean',
  measurements: 'boolean',
  objectKinds: 'boolean',
  colors: 'boolean',
  names: 'boolean',
  groups: 'boolean',
  micronsPerPixel: 'boolean',
  deletedFlag: 'boolean',
};

function checkFormat(converter: Converter): void {
  const f = converter.format;
  expect(f.id).toMatch(/^[a-z][a-z0-9-]*$/);
  expect(f.name.trim()).not.toBe('');
  expect(f.extensions.length).toBeGreaterThan(0);
  for (const ext of f.extensions) expect(ext).toMatch(/^\.[a-z0-9.]+$/);
  expect(f.mediaType).toMatch(/^[a-z]+\/[\w.+-]+$/);
  expect(typeof f.multiSlide).toBe('boolean');
  expect(typeof f.binary).toBe('boolean');
  expect(typeof f.sniff).toBe('function');
  expect(Object.keys(f.capabilities).sort()).toEqual(Object.keys(CAPABILITY_TYPES).sort());
  for (const [key, type] of Object.entries(CAPABILITY_TYPES)) {
    expect(typeof f.capabilities[key as keyof Capabilities], key).toBe(type);
  }
  for (const g of f.capabilities.geometries) expect(GEOMETRIES.has(g), g).toBe(true);
  expect(['none', 'flat', 'hierarchical']).toContain(f.capabilities.classes);
  expect(Boolean(converter.read || converter.createWriter)).toBe(true);
  for (const [name, option] of Object.entries(converter.options ?? {})) {
    expect(name).toMatch(/^[a-z][a-z0-9-]*$/);
    expect(option.describe.trim(), name).not.toBe('');
  }
}

async function sniff(converter: Converter, path: string) {
  return converter.format.sniff({ path, head: await readHead(path) });
}

describe('every registered format', () => {
  it('should have a unique id', () => {
    const ids = converters.map((c) => c.format.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  for (const converter of converters) {
    const id = converter.format.id;

    it(`should describe ${id} with complete format metadata`, () => {
      checkFormat(converter);
    });

    const own = SAMPLES[id];
    if (own && converter.read) {
      it(`should accept its own sample in the ${id} sniff, with a reason`, async () => {
        const result = await sniff(converter, own);
        expect(result.match).toBe(true);
        expect(result.reason.trim()).not.toBe('');
        expect((await detectFormat(own)).chosen?.format.id).toBe(id);
      });
    } else if (converter.read) {
      it.todo(`should accept its own sample in the ${id} sniff (add it to SAMPLES)`);
    }

    for (const [other, path] of Object.entries(SAMPLES)) {
      if (other === id || !converter.read) continue;
      it(`should reject the ${other} sample in the ${id} sniff`, async () => {
        const result = await sniff(converter, path);
        expect(result.match, result.reason).toBe(false);
        expect(result.reason.trim()).not.toBe('');
      });
    }
  }
});
