import type { Converter } from './converter.js';
import { asapXml } from '../converters/asap-xml/index.js';
import { canonical } from '../converters/canonical/index.js';
import { imagescopeXml } from '../converters/imagescope-xml/index.js';
import { coco } from '../converters/coco/index.js';
import { qupathGeojson } from '../converters/qupath-geojson/index.js';
import { sliderunnerSqlite } from '../converters/sliderunner-sqlite/index.js';

/**
 * Every format slidepack knows, in the order detection tries them. Detection, the `--from` and
 * `--to` choices, converter options and `slidepack formats` are all built from this list.
 */
export const converters: readonly Converter[] = [
  qupathGeojson,
  canonical,
  sliderunnerSqlite,
  coco,
  asapXml,
  imagescopeXml,
];

export function formatIds(): string[] {
  return converters.map((c) => c.format.id);
}

export function findConverter(id: string): Converter | undefined {
  return converters.find((c) => c.format.id === id);
}
