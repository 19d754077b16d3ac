import { rectangleFromCorners } from '../../src/geometry/box.js';
import { ellipseRing, rectangleRing } from '../../src/geometry/shapes.js';
import { readCoordinate } from '../../src/io/xml.js';
import type { Messages } from '../../src/messages.js';
import type { Geometry, Point, Ring } from '../../src/model/types.js';
import type { RawRegion } from './parse.js';

/** Region `Type` values (community-documented; ImageScope has no public schema). */
export const REGION_TYPES: Record<string, string> = {
  '0': 'polygon',
  '1': 'rectangle',
  '2': 'ellipse',
  '3': 'arrow',
  '4': 'ruler',
};

export interface RegionEnv {
  file: string;
  messages: Messages;
  repairComma: boolean;
  onDecimalComma?: (region: RawRegion) => void;
}

/** The region's vertices as numbers, or undefined after an error message. */
export function regionPoints(region: RawRegion, env: RegionEnv): Point[] | undefined {
  const points: Point[] = [];
  let ok = true;
  let comma = false;
  for (const v of region.vertices) {
    const site = { ...env, line: v.line, rule: 'imagescope' };
    const x = readCoordinate(v.x, 'X', site);
    const y = readCoordinate(v.y, 'Y', site);
    comma ||= x.comma || y.comma;
    if (x.value === undefined || y.value === undefined) ok = false;
    else points.push([x.value, y.value]);
  }
  if (comma && env.repairComma) env.onDecimalComma?.(region);
  return ok ? points : undefined;
}

/** The kind of a region `Type`, by number or by name ("Polygon", "Ellipse" …). */
export function regionKind(type: string | undefined): string | undefined {
  const text = (type ?? '0').trim().toLowerCase();
  if (REGION_TYPES[text]) return REGION_TYPES[text];
  if (text === 'freehand' || text === 'polyline') return 'polygon';
  return Object.values(REGION_TYPES).includes(text) ? text : undefined;
}

// LIMITATION: freehand regions split into pieces are not stitched (ASAP joins ends within 30 px).
/** The geometry of a region, or undefined (with a warning) when it has too few vertices. */
export function regionGeometry(region: RawRegion, env: RegionEnv): Geometry | undefined {
  const points = regionPoints(region, env);
  if (!points) return undefined;
  let kind = regionKind(region.attributes.Type);
  if (!kind) {
    env.messages.warn(
      'imagescope/unknown-region-type',
      `region Type "${region.attributes.Type}" is not known; read as a polygon`,
      { file: env.file, place: `line ${region.line}`, expected: '0, 1, 2, 3 or 4' },
    );
    kind = 'polygon';
  }
  const shape = points.length >= NEEDED[kind]! ? shaped(kind, points) : undefined;
  if (shape) return shape;
  if (points.length === 0) {
    env.messages.warn('imagescope/empty-region', 'a region without vertices was skipped', {
      file: env.file,
      place: `line ${region.line}`,
    });
    return undefined;
  }
  return tooFew(kind, points, region, env);
}

/** Fewest vertices of each region kind (an ellipse is two corners of its box). */
const NEEDED: Record<string, number> = { polygon: 3, rectangle: 3, ellipse: 2, arrow: 2, ruler: 2 };

/** A region with fewer vertices than its kind needs, kept as a point or line with a warning. */
function tooFew(kind: string, points: Point[], region: RawRegion, env: RegionEnv): Geometry {
  const n = points.length;
  const as = n === 1 ? 'point' : 'line';
  env.messages.warn(
    'imagescope/too-few-points',
    `${/^[aeiou]/.test(kind) ? 'an' : 'a'} ${kind} region with ${n} ` +
      `${n === 1 ? 'vertex' : 'vertices'}; read as a ${as}`,
    { file: env.file, place: `line ${region.line}`, expected: `at least ${NEEDED[kind]}` },
  );
  return n === 1
    ? { type: 'point', coordinates: points[0]! }
    : { type: 'line', coordinates: points };
}

function shaped(kind: string, points: Point[]): Geometry | undefined {
  if (kind === 'ellipse' && points.length === 2) {
    const [[x1, y1], [x2, y2]] = points as [Point, Point];
    const rx = Math.abs(x2 - x1) / 2;
    const ry = Math.abs(y2 - y1) / 2;
    const cx = (x1 + x2) / 2;
    const cy = (y1 + y2) / 2;
    return { type: 'ellipse', cx, cy, rx, ry, encoding: 'bbox-corners' };
  }
  if ((kind === 'arrow' || kind === 'ruler') && points.length >= 2) {
    return { type: 'line', coordinates: points };
  }
  if (kind === 'rectangle') {
    const box = rectangleFromCorners(points);
    if (box) return box;
  }
  if (points.length < 3) return undefined;
  const first = points[0]!;
  const last = points[points.length - 1]!;
  const closed = points.length > 3 && first[0] === last[0] && first[1] === last[1];
  if (!closed) return { type: 'polygon', rings: [points] };
  return { type: 'polygon', rings: [points.slice(0, -1)], closed: true };
}

/** The outer ring of an area geometry, for matching negative regions to their containers. */
export function areaRing(geometry: Geometry): Ring | undefined {
  if (geometry.type === 'polygon') return geometry.rings[0];
  if (geometry.type === 'rectangle') return rectangleRing(geometry);
  if (geometry.type === 'ellipse') return ellipseRing(geometry);
  return undefined;
}
