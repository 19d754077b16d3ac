import { extname } from 'node:path';
import type { FormatInfo, SniffInput, SniffResult } from '../../src/converter.js';
import { signalsInText, versionOf } from './version.js';

const QUPATH_MEMBERS = [
  'objectType',
  'object_type',
  'classification',
  'isLocked',
  'measurements',
  'nucleusGeometry',
  'isEllipse',
  'colorRGB',
  'childObjects',
];
const GEOMETRY =
  /"type"\s*:\s*"(Point|MultiPoint|LineString|Polygon|MultiPolygon|GeometryCollection)"/;

/** QuPath's GeoJSON export (0.2–0.6): one slide per file, coordinates in level-0 pixels. */
export const qupathFormat = {
  id: 'qupath-geojson',
  name: 'QuPath GeoJSON',
  extensions: ['.geojson', '.json'],
  mediaType: 'application/geo+json',
  multiSlide: false,
  binary: false,
  capabilities: {
    geometries: ['point', 'multipoint', 'line', 'polygon', 'multipolygon', 'ellipse'],
    holes: true,
    classes: 'hierarchical',
    perAnnotatorLabels: false,
    measurements: true,
    objectKinds: true,
    colors: true,
    names: true,
    groups: false,
    micronsPerPixel: false,
    deletedFlag: false,
  },
  sniff: sniffQupath,
} as const satisfies FormatInfo;

/** Look at the first bytes: GeoJSON structure, then QuPath's own members for confidence. */
function sniffQupath({ path, head }: SniffInput): SniffResult {
  const text = head.toString('utf8').replace(/^\uFEFF/, '');
  const first = text.trimStart()[0];
  const geojsonName = extname(path).toLowerCase() === '.geojson';
  if (first !== '{' && first !== '[') {
    if (!geojsonName) return { match: false, reason: 'not JSON: does not start with { or [' };
    // A .geojson that is not JSON is still ours to read, so the reader can say where it fails.
    return {
      match: true,
      confidence: 0.1,
      reason: 'the .geojson extension only; the content does not start like JSON',
    };
  }
  const shape = geojsonShape(text, first);
  if (!shape) {
    return {
      match: false,
      reason:
        'JSON without a GeoJSON "type" (Feature, FeatureCollection or a geometry) at the start',
    };
  }
  const members = QUPATH_MEMBERS.filter((m) => text.includes(`"${m}"`));
  const version = versionOf(signalsInText(text));
  const result: SniffResult = members.length
    ? {
        match: true,
        confidence: 0.95,
        reason: `${shape} with QuPath members (${members.join(', ')})`,
      }
    : {
        match: true,
        confidence: 0.6,
        reason: `${shape}; no QuPath-only members seen, read as QuPath`,
      };
  if (version) result.version = version;
  return result;
}

function geojsonShape(text: string, first: string): string | undefined {
  // COCO and other JSON formats never carry GeoJSON type names, so these tests keep them out.
  if (/^\s*\{\s*"type"\s*:\s*"dataset"/.test(text)) return undefined;
  if (/"type"\s*:\s*"FeatureCollection"/.test(text)) return 'GeoJSON FeatureCollection';
  const feature = /"type"\s*:\s*"Feature"/.test(text);
  if (first === '[' && feature) return 'JSON array of GeoJSON Features';
  if (feature) return 'single GeoJSON Feature';
  if (GEOMETRY.test(text) && /"coordinates"\s*:/.test(text)) return 'bare GeoJSON geometry';
  return undefined;
}
