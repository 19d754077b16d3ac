import type { Geometry, Point, Ring } from '../model/types.js';
import { findSelfIntersection } from './intersections.js';

/** One geometry finding before it is placed in a file: rule, severity and what was seen. */
export interface GeometryFinding {
  ruleId: string;
  severity: 'error' | 'warning';
  message: string;
  /** True when `--fix` can repair it without guessing. */
  fixable?: boolean;
}

/** Formats whose specification requires rings to repeat their first vertex at the end. */
const CLOSED_RING_FORMATS = new Set(['qupath-geojson']);

/** True for formats whose rings must repeat their first vertex (GeoJSON, RFC 7946 3.1.6). */
export function requiresClosedRings(format: string | undefined): boolean {
  return format !== undefined && CLOSED_RING_FORMATS.has(format);
}

function numbers(geometry: Geometry): number[] {
  switch (geometry.type) {
    case 'point':
      return geometry.coordinates;
    case 'multipoint':
    case 'line':
      return geometry.coordinates.flat();
    case 'polygon':
      return geometry.rings.flat(2);
    case 'multipolygon':
      return geometry.polygons.flat(3);
    case 'spline':
      return geometry.controlPoints.flat();
    case 'rectangle':
      return [geometry.x, geometry.y, geometry.width, geometry.height, geometry.rotation ?? 0];
    case 'ellipse':
      return [geometry.cx, geometry.cy, geometry.rx, geometry.ry, geometry.rotation ?? 0];
    case 'mask':
      return [geometry.x, geometry.y, geometry.width, geometry.height];
  }
}

/** Consecutive equal vertices collapsed, and a repeated closing vertex dropped. */
export function dedupe(ring: Ring): Ring {
  const out: Ring = [];
  for (const p of ring) {
    const last = out[out.length - 1];
    if (!last || last[0] !== p[0] || last[1] !== p[1]) out.push(p);
  }
  const first = out[0];
  const last = out[out.length - 1];
  if (out.length > 1 && first![0] === last![0] && first![1] === last![1]) out.pop();
  return out;
}

function distinct(points: Point[]): number {
  return new Set(points.map((p) => `${p[0]},${p[1]}`)).size;
}

/** Every geometry rule for one object's geometry. */
export function checkGeometry(geometry: Geometry, format?: string): GeometryFinding[] {
  if (!numbers(geometry).every(Number.isFinite)) {
    return [
      {
        ruleId: 'geometry/non-finite',
        severity: 'error',
        message: 'a coordinate is NaN or infinite',
      },
    ];
  }
  switch (geometry.type) {
    case 'polygon':
      return checkPolygon(geometry.rings, geometry.closed, format);
    case 'multipolygon':
      return geometry.polygons.flatMap((rings, n) =>
        checkPolygon(rings, geometry.closed, format).map((f) => ({
          ...f,
          message: `polygon ${n}: ${f.message}`,
        })),
      );
    case 'line':
      return distinct(geometry.coordinates) < 2
        ? [tooFew('a line', 2, distinct(geometry.coordinates))]
        : [];
    case 'spline':
      return distinct(geometry.controlPoints) < 3
        ? [tooFew('a spline', 3, distinct(geometry.controlPoints))]
        : [];
    case 'rectangle':
      return geometry.width <= 0 || geometry.height <= 0
        ? [zeroArea(`${geometry.width} × ${geometry.height}`)]
        : [];
    case 'ellipse':
      return geometry.rx <= 0 || geometry.ry <= 0
        ? [zeroArea(`radii ${geometry.rx}, ${geometry.ry}`)]
        : [];
    default:
      return [];
  }
}

function checkPolygon(rings: Ring[], closed: boolean | undefined, format?: string) {
  const findings: GeometryFinding[] = [];
  if (requiresClosedRings(format) && closed !== true) {
    findings.push({
      ruleId: 'geometry/unclosed-ring',
      severity: 'warning',
      message: 'a ring does not repeat its first vertex at the end, as the format requires',
      fixable: true,
    });
  }
  const clean = rings.map(dedupe);
  const repeated = rings.reduce((n, ring, i) => n + ring.length - clean[i]!.length, 0);
  if (repeated > 0) {
    findings.push({
      ruleId: 'geometry/repeated-vertex',
      severity: 'warning',
      message: `${repeated} vertex/vertices repeat the one before (or the first)`,
      fixable: true,
    });
  }
  const short = clean.findIndex((ring) => ring.length < 3);
  if (short >= 0) return [...findings, tooFew(`ring ${short}`, 3, clean[short]!.length)];
  if (clean.some(collinear))
    return [...findings, zeroArea('all vertices of a ring lie on one line')];
  const hit = findSelfIntersection(clean);
  if (hit) {
    findings.push({
      ruleId: 'geometry/self-intersection',
      severity: 'warning',
      message: `edges cross or touch at (${hit.map((v) => Math.round(v * 100) / 100).join(', ')})`,
    });
  }
  return findings;
}

/** True when every vertex lies on the line through the first two (a ring with no area). */
function collinear(ring: Ring): boolean {
  const [a, b] = ring as [Point, Point];
  return ring.every((p) => (b[0] - a[0]) * (p[1] - a[1]) - (b[1] - a[1]) * (p[0] - a[0]) === 0);
}

function tooFew(what: string, needed: number, got: number): GeometryFinding {
  return {
    ruleId: 'geometry/too-few-points',
    severity: 'error',
    message: `${what} has ${got} distinct point(s); it needs at least ${needed}`,
  };
}

function zeroArea(detail: string): GeometryFinding {
  return { ruleId: 'geometry/zero-area', severity: 'error', message: `zero area (${detail})` };
}
