import { rectangleFromCorners } from '../../src/geometry/box.js';
import { rectangleRing, splineRing } from '../../src/geometry/shapes.js';
import { readCoordinate } from '../../src/io/xml.js';
import type { Messages } from '../../src/messages.js';
import type { Geometry, Point, Ring } from '../../src/model/types.js';
import type { RawAnnotation, RawCoordinate } from './parse.js';

/** ASAP's `Type` strings, in its enum order ("None" draws nothing). */
export const ASAP_TYPES = ['Dot', 'Polygon', 'Spline', 'PointSet', 'Measurement', 'Rectangle'];

/** Samples per spline segment when a spline has to become a ring (holes, containment). */
export const SPLINE_SAMPLES = 16;

export interface GeometryEnv {
  file: string;
  messages: Messages;
  repairComma: boolean;
  /** Called once per annotation whose numbers had decimal commas. */
  onDecimalComma?: (annotation: RawAnnotation) => void;
}

/**
 * The annotation's coordinates placed by their `Order` attribute. ASAP trusts `Order` blindly
 * (slot 0 stays (0, 0) in a 1-based file, duplicates overwrite each other), so a missing or
 * repeated `Order` is an error here and gaps are a warning.
 */
export function placeCoordinates(raw: RawAnnotation, env: GeometryEnv): Point[] | undefined {
  const placed: { order: number; point: Point }[] = [];
  const seen = new Set<number>();
  let ok = true;
  let comma = false;
  for (const c of raw.coordinates) {
    const order = c.order === undefined ? Number.NaN : Number(c.order);
    if (!Number.isInteger(order) || order < 0) {
      fail(
        env,
        c,
        'asap/order',
        'a Coordinate without a usable Order',
        'Order="0", "1", …',
        c.order,
      );
      ok = false;
      continue;
    }
    if (seen.has(order)) {
      fail(
        env,
        c,
        'asap/order',
        `Order="${order}" appears twice in one annotation`,
        'unique Order',
      );
      ok = false;
    }
    seen.add(order);
    const site = { ...env, line: c.line, rule: 'asap' };
    const x = readCoordinate(c.x, 'X', site);
    const y = readCoordinate(c.y, 'Y', site);
    comma ||= x.comma || y.comma;
    if (x.value === undefined || y.value === undefined) ok = false;
    else placed.push({ order, point: [x.value, y.value] });
  }
  if (comma && env.repairComma) env.onDecimalComma?.(raw);
  if (!ok) return undefined;
  placed.sort((a, b) => a.order - b.order);
  warnGaps(raw, placed, env);
  return placed.map((p) => p.point);
}

function warnGaps(raw: RawAnnotation, placed: { order: number }[], env: GeometryEnv): void {
  const last = placed[placed.length - 1];
  if (!last || last.order === placed.length - 1) return;
  env.messages.warn(
    'asap/order-gaps',
    `Order values run from ${placed[0]!.order} to ${last.order} for ${placed.length} ` +
      'coordinates; ASAP would leave (0, 0) vertices in the gaps. Read in Order.',
    { file: env.file, place: `line ${raw.line}`, expected: `Order 0..${placed.length - 1}` },
  );
}

function fail(
  env: GeometryEnv,
  c: RawCoordinate,
  rule: string,
  message: string,
  expected: string,
  actual?: string,
): void {
  env.messages.error(rule, message, {
    file: env.file,
    place: `line ${c.line}`,
    expected,
    ...(actual === undefined ? {} : { actual: JSON.stringify(actual) }),
  });
}

/** The canonical spelling of a Type string, matched without regard to case. */
export function asapType(type: string | undefined): string | undefined {
  const lower = type?.toLowerCase();
  return ASAP_TYPES.find((t) => t.toLowerCase() === lower);
}

/** Geometry for an annotation of a known type, or undefined (with a warning) when it has none. */
export function toGeometry(
  raw: RawAnnotation,
  type: string,
  points: Point[],
  env: GeometryEnv,
): Geometry | undefined {
  const need = type === 'Dot' || type === 'PointSet' ? 1 : type === 'Measurement' ? 2 : 3;
  if (points.length < need) {
    env.messages.warn('asap/too-few-points', `a ${type} with ${points.length} coordinate(s)`, {
      file: env.file,
      place: `line ${raw.line}`,
      expected: `at least ${need}`,
    });
    return points.length === 2 ? { type: 'line', coordinates: points } : undefined;
  }
  switch (type) {
    case 'Dot':
      if (points.length > 1) {
        env.messages.warn('asap/dot-points', `a Dot with ${points.length} coordinates`, {
          file: env.file,
          place: `line ${raw.line}`,
          expected: 'one coordinate; the first one is used',
        });
      }
      return { type: 'point', coordinates: points[0]! };
    case 'PointSet':
      return { type: 'multipoint', coordinates: points };
    case 'Measurement':
      return { type: 'line', coordinates: points };
    case 'Rectangle':
      return rectangleFromCorners(points) ?? closedShape(points, 'polygon');
    default:
      return closedShape(points, type === 'Spline' ? 'spline' : 'polygon');
  }
}

function closedShape(points: Point[], kind: 'polygon' | 'spline'): Geometry {
  const first = points[0]!;
  const last = points[points.length - 1]!;
  const closed = points.length > 3 && first[0] === last[0] && first[1] === last[1];
  const ring = closed ? points.slice(0, -1) : points;
  if (kind === 'spline') {
    return { type: 'spline', controlPoints: ring, interpolation: 'catmull-rom-closed' };
  }
  return closed
    ? { type: 'polygon', rings: [ring], closed: true }
    : { type: 'polygon', rings: [ring] };
}

/** The outer ring of an area geometry (splines sampled), or undefined for points and lines. */
export function outerRing(geometry: Geometry): Ring | undefined {
  switch (geometry.type) {
    case 'polygon':
      return geometry.rings[0];
    case 'rectangle':
      return rectangleRing(geometry);
    case 'spline':
      return splineRing(geometry, SPLINE_SAMPLES);
    default:
      return undefined;
  }
}

/** Geometry of a raw annotation, or undefined for an unknown type or unusable coordinates. */
export function rawGeometry(raw: RawAnnotation, env: GeometryEnv): Geometry | undefined {
  const type = asapType(raw.attributes.Type);
  if (!type) return undefined;
  const points = placeCoordinates(raw, env);
  return points && toGeometry(raw, type, points, env);
}
