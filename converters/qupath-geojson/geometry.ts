import type { EllipseGeometry, Geometry, Plane, Point, Ring } from '../../src/model/types.js';

/**
 * GeoJSON geometry as QuPath writes it, read into canonical geometry with every problem
 * reported at its JSON pointer. QuPath's own members (`plane`, `isEllipse`) are understood;
 * anything else on the geometry is handed back for `extras`.
 */
export type Report = (
  pointer: string,
  message: string,
  expected?: string,
  actual?: unknown,
) => void;

/** GeoJSON types QuPath reads; MultiLineString has no canonical form. */
export const GEOMETRY_TYPES = [
  'Point',
  'MultiPoint',
  'LineString',
  'Polygon',
  'MultiPolygon',
  'GeometryCollection',
] as const;

const KNOWN_MEMBERS = new Set(['type', 'coordinates', 'geometries', 'plane', 'isEllipse']);

export interface ReadGeometry {
  geometry: Geometry;
  plane?: Plane;
  /** Members of the geometry object slidepack does not know, kept verbatim. */
  extras?: Record<string, unknown>;
}

/** Read one GeoJSON geometry; undefined (with a report) when it cannot be used. */
export function readGeometry(value: unknown, at: string, report: Report): ReadGeometry | undefined {
  if (!isObject(value)) {
    report(at, 'the geometry is not an object', 'a GeoJSON geometry object', value);
    return undefined;
  }
  const geometry = readShape(value, at, report);
  if (!geometry) return undefined;

  const result: ReadGeometry = { geometry };
  const plane =
    value.plane === undefined ? undefined : readPlane(value.plane, `${at}/plane`, report);
  if (plane) result.plane = plane;
  const extras = unknownMembers(value, KNOWN_MEMBERS);
  if (extras) result.extras = extras;
  return result;
}

function readShape(
  value: Record<string, unknown>,
  at: string,
  report: Report,
): Geometry | undefined {
  const c = value.coordinates;
  const where = `${at}/coordinates`;
  switch (value.type) {
    case 'Point': {
      const p = readPosition(c, where, report);
      return p && { type: 'point', coordinates: p };
    }
    case 'MultiPoint': {
      const points = readPositions(c, where, report, 1);
      return points && { type: 'multipoint', coordinates: points };
    }
    case 'LineString': {
      const points = readPositions(c, where, report, 2);
      return points && { type: 'line', coordinates: points };
    }
    case 'Polygon':
      return value.isEllipse === true
        ? readEllipse(c, where, report)
        : readPolygon(c, where, report);
    case 'MultiPolygon':
      return readMultiPolygon(c, where, report);
    case 'GeometryCollection':
      return readCollection(value.geometries, `${at}/geometries`, report);
    default:
      report(
        `${at}/type`,
        'unknown geometry type',
        `one of ${GEOMETRY_TYPES.join(', ')}`,
        value.type,
      );
      return undefined;
  }
}

function readPosition(value: unknown, at: string, report: Report): Point | undefined {
  // A third element (z) is accepted and dropped, as QuPath does: planes live in `plane`.
  // The parsed pair is used as it is: no copy for each of millions of vertices.
  if (Array.isArray(value) && value.length >= 2) {
    const x = value[0];
    const y = value[1];
    if (typeof x === 'number' && typeof y === 'number') {
      return value.length === 2 ? (value as Point) : [x, y];
    }
  }
  report(at, 'wrong coordinate type', '[x, y] with two numbers', value);
  return undefined;
}

function readPositions(value: unknown, at: string, report: Report, min: number) {
  if (!Array.isArray(value)) {
    report(at, 'wrong coordinate type', 'an array of [x, y] positions', value);
    return undefined;
  }
  if (value.length < min) {
    report(at, `too few positions (${value.length})`, `at least ${min}`);
    return undefined;
  }
  // Positions are checked in place; the parsed array becomes the canonical one.
  const points = value as Point[];
  for (let i = 0; i < value.length; i++) {
    const p = readPosition(value[i], `${at}/${i}`, report);
    if (!p) return undefined;
    points[i] = p;
  }
  return points;
}

interface Rings {
  rings: Ring[];
  closed: boolean;
}

function readRings(value: unknown, at: string, report: Report): Rings | undefined {
  if (!Array.isArray(value) || value.length === 0) {
    report(at, 'wrong coordinate type', 'an array of linear rings', value);
    return undefined;
  }
  const rings: Ring[] = [];
  let closed = true;
  for (let i = 0; i < value.length; i++) {
    const points = readPositions(value[i], `${at}/${i}`, report, 1);
    if (!points) return undefined;
    if (!openInPlace(points)) closed = false;
    if (!hasThreeDistinct(points)) {
      report(`${at}/${i}`, 'a polygon ring has fewer than 3 distinct points', '3 or more');
      return undefined;
    }
    rings.push(points);
  }
  return { rings, closed };
}

function readPolygon(value: unknown, at: string, report: Report): Geometry | undefined {
  const read = readRings(value, at, report);
  if (!read) return undefined;
  return read.closed
    ? { type: 'polygon', rings: read.rings, closed: true }
    : { type: 'polygon', rings: read.rings };
}

/** QuPath ≥0.4 marks ellipse ROIs; it rebuilds them from the polygon's bounding box. */
function readEllipse(value: unknown, at: string, report: Report): EllipseGeometry | undefined {
  const read = readRings(value, at, report);
  if (!read) return undefined;
  const ring = read.rings[0]!;
  let minX = ring[0]![0];
  let maxX = minX;
  let minY = ring[0]![1];
  let maxY = minY;
  for (const [x, y] of ring) {
    if (x < minX) minX = x;
    if (x > maxX) maxX = x;
    if (y < minY) minY = y;
    if (y > maxY) maxY = y;
  }
  return {
    type: 'ellipse',
    cx: (minX + maxX) / 2,
    cy: (minY + maxY) / 2,
    rx: (maxX - minX) / 2,
    ry: (maxY - minY) / 2,
    encoding: 'polygon-envelope',
    vertices: ring,
  };
}

function readMultiPolygon(value: unknown, at: string, report: Report): Geometry | undefined {
  if (!Array.isArray(value) || value.length === 0) {
    report(at, 'wrong coordinate type', 'an array of polygons', value);
    return undefined;
  }
  const polygons: Ring[][] = [];
  let closed = true;
  for (let i = 0; i < value.length; i++) {
    const read = readRings(value[i], `${at}/${i}`, report);
    if (!read) return undefined;
    if (!read.closed) closed = false;
    polygons.push(read.rings);
  }
  return closed
    ? { type: 'multipolygon', polygons, closed: true }
    : { type: 'multipolygon', polygons };
}

/** QuPath reads polygonal or point collections; mixed ones have no single canonical shape. */
function readCollection(value: unknown, at: string, report: Report): Geometry | undefined {
  if (!Array.isArray(value) || value.length === 0) {
    report(at, 'a GeometryCollection without geometries', 'a non-empty "geometries" array', value);
    return undefined;
  }
  const parts: Geometry[] = [];
  for (let i = 0; i < value.length; i++) {
    const part = isObject(value[i])
      ? readShape(value[i] as Record<string, unknown>, `${at}/${i}`, report)
      : undefined;
    if (!part) {
      if (!isObject(value[i]))
        report(`${at}/${i}`, 'not a geometry', 'a GeoJSON geometry', value[i]);
      return undefined;
    }
    parts.push(part);
  }
  if (parts.every((p) => p.type === 'point' || p.type === 'multipoint')) {
    return { type: 'multipoint', coordinates: parts.flatMap(pointsOf) };
  }
  if (parts.every((p) => p.type === 'polygon' || p.type === 'multipolygon')) {
    return { type: 'multipolygon', polygons: parts.flatMap(polygonsOf), closed: true };
  }
  report(at, 'a GeometryCollection mixes geometry types', 'only polygons or only points');
  return undefined;
}

function pointsOf(g: Geometry): Point[] {
  if (g.type === 'point') return [g.coordinates];
  return g.type === 'multipoint' ? g.coordinates : [];
}

function polygonsOf(g: Geometry): Ring[][] {
  if (g.type === 'polygon') return [g.rings];
  return g.type === 'multipolygon' ? g.polygons : [];
}

function readPlane(value: unknown, at: string, report: Report): Plane | undefined {
  if (!isObject(value)) {
    report(at, 'the plane is not an object', '{"c", "z", "t"} numbers', value);
    return undefined;
  }
  const plane: Plane = {};
  for (const key of ['c', 'z', 't'] as const) {
    const n = value[key];
    if (typeof n === 'number') plane[key] = n;
    else if (n !== undefined)
      report(`${at}/${key}`, 'the plane index is not a number', 'a number', n);
  }
  return plane;
}

/** Drop a repeated closing vertex from a freshly parsed ring; true when there was one. */
function openInPlace(ring: Ring): boolean {
  const n = ring.length;
  if (n < 2) return false;
  const first = ring[0]!;
  const last = ring[n - 1]!;
  if (first[0] !== last[0] || first[1] !== last[1]) return false;
  ring.length = n - 1;
  return true;
}

function hasThreeDistinct(ring: Ring): boolean {
  if (ring.length < 3) return false;
  const [ax, ay] = ring[0]!;
  let second: Point | undefined;
  for (const p of ring) {
    if (p[0] === ax && p[1] === ay) continue;
    if (!second) second = p;
    else if (p[0] !== second[0] || p[1] !== second[1]) return true;
  }
  return false;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Members not in `known`, or undefined when there are none. */
export function unknownMembers(
  value: Record<string, unknown>,
  known: ReadonlySet<string>,
): Record<string, unknown> | undefined {
  let out: Record<string, unknown> | undefined;
  for (const key in value) {
    if (known.has(key)) continue;
    out ??= {};
    out[key] = value[key];
  }
  return out;
}
