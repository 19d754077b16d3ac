import type {
  EllipseGeometry,
  Geometry,
  Point,
  RectangleGeometry,
  Ring,
  SplineGeometry,
} from '../model/types.js';

/** Geometry helpers shared by converters and checks. Coordinates are level-0 pixels. */

export interface Bounds {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

/** Every vertex of a geometry (ellipses by their box corners, masks by their placement). */
export function* vertices(geometry: Geometry): Generator<Point> {
  switch (geometry.type) {
    case 'point':
      yield geometry.coordinates;
      return;
    case 'multipoint':
    case 'line':
      yield* geometry.coordinates;
      return;
    case 'polygon':
      for (const ring of geometry.rings) yield* ring;
      return;
    case 'multipolygon':
      for (const polygon of geometry.polygons) for (const ring of polygon) yield* ring;
      return;
    case 'spline':
      yield* geometry.controlPoints;
      return;
    case 'rectangle':
      yield* rectangleRing(geometry);
      return;
    case 'ellipse':
      yield [geometry.cx - geometry.rx, geometry.cy - geometry.ry];
      yield [geometry.cx + geometry.rx, geometry.cy + geometry.ry];
      return;
    case 'mask':
      yield [geometry.x, geometry.y];
      yield [geometry.x + geometry.width, geometry.y + geometry.height];
      return;
  }
}

export function bounds(geometry: Geometry): Bounds | undefined {
  let box: Bounds | undefined;
  for (const [x, y] of vertices(geometry)) {
    if (!box) box = { minX: x, minY: y, maxX: x, maxY: y };
    else {
      if (x < box.minX) box.minX = x;
      if (y < box.minY) box.minY = y;
      if (x > box.maxX) box.maxX = x;
      if (y > box.maxY) box.maxY = y;
    }
  }
  return box;
}

/** Signed shoelace area of a ring (positive when counter-clockwise in y-up terms). */
export function signedArea(ring: Ring): number {
  let sum = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [x1, y1] = ring[j]!;
    const [x2, y2] = ring[i]!;
    sum += x1 * y2 - x2 * y1;
  }
  return sum / 2;
}

/** Area of a polygon with holes: outer ring minus its holes. */
export function polygonArea(rings: Ring[]): number {
  const [outer, ...holes] = rings;
  if (!outer) return 0;
  return holes.reduce(
    (area, hole) => area - Math.abs(signedArea(hole)),
    Math.abs(signedArea(outer)),
  );
}

/** Even-odd test of a point against one ring. */
export function pointInRing([x, y]: Point, ring: Ring): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i]!;
    const [xj, yj] = ring[j]!;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** The four corners of a rectangle, clockwise from the top-left (in image coordinates). */
export function rectangleRing(r: RectangleGeometry): Ring {
  const corners: Ring = [
    [r.x, r.y],
    [r.x + r.width, r.y],
    [r.x + r.width, r.y + r.height],
    [r.x, r.y + r.height],
  ];
  if (!r.rotation) return corners;
  const cx = r.x + r.width / 2;
  const cy = r.y + r.height / 2;
  return corners.map((p) => rotate(p, cx, cy, r.rotation!));
}

function rotate([x, y]: Point, cx: number, cy: number, angle: number): Point {
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  const dx = x - cx;
  const dy = y - cy;
  return [cx + dx * cos + dy * sin, cy - dx * sin + dy * cos];
}

/** An ellipse as a polygon of `segments` vertices (the source's own vertices when it had some). */
export function ellipseRing(e: EllipseGeometry, segments = 72): Ring {
  if (e.vertices && e.vertices.length >= 3) return e.vertices;
  const ring: Ring = [];
  for (let i = 0; i < segments; i++) {
    const t = (2 * Math.PI * i) / segments;
    const p: Point = [e.cx + e.rx * Math.cos(t), e.cy + e.ry * Math.sin(t)];
    ring.push(e.rotation ? rotate(p, e.cx, e.cy, e.rotation) : p);
  }
  return ring;
}

/**
 * Sample a Catmull-Rom spline through its control points, `step` samples per segment. Closed
 * splines (ASAP's kind) wrap around; the result starts at the first control point.
 */
export function splineRing(s: SplineGeometry, step = 16): Ring {
  const pts = s.controlPoints;
  const n = pts.length;
  if (n < 3) return pts.slice();
  const closed = s.interpolation === 'catmull-rom-closed';
  const at = (i: number): Point => pts[closed ? (i + n) % n : Math.max(0, Math.min(n - 1, i))]!;
  const out: Ring = [];
  const segments = closed ? n : n - 1;
  for (let i = 0; i < segments; i++) {
    const [p0, p1, p2, p3] = [at(i - 1), at(i), at(i + 1), at(i + 2)];
    for (let k = 0; k < step; k++) out.push(catmullRom(p0, p1, p2, p3, k / step));
  }
  if (!closed) out.push(pts[n - 1]!);
  return out;
}

function catmullRom(p0: Point, p1: Point, p2: Point, p3: Point, t: number): Point {
  const t2 = t * t;
  const t3 = t2 * t;
  const f = (a: number, b: number, c: number, d: number) =>
    0.5 * (2 * b + (-a + c) * t + (2 * a - 5 * b + 4 * c - d) * t2 + (-a + 3 * b - 3 * c + d) * t3);
  return [f(p0[0], p1[0], p2[0], p3[0]), f(p0[1], p1[1], p2[1], p3[1])];
}

/** Centre of a geometry's bounding box; the spot position for points and small shapes. */
export function center(geometry: Geometry): Point | undefined {
  if (geometry.type === 'point') return geometry.coordinates;
  if (geometry.type === 'ellipse') return [geometry.cx, geometry.cy];
  const box = bounds(geometry);
  return box ? [(box.minX + box.maxX) / 2, (box.minY + box.maxY) / 2] : undefined;
}

/** Drop a repeated closing vertex: canonical rings are stored open. */
export function openRing(ring: Ring): { ring: Ring; wasClosed: boolean } {
  const first = ring[0];
  const last = ring[ring.length - 1];
  const closed = ring.length > 1 && first![0] === last![0] && first![1] === last![1];
  return { ring: closed ? ring.slice(0, -1) : ring, wasClosed: closed };
}

/** Repeat the first vertex at the end, as GeoJSON and SlideRunner store rings. */
export function closeRing(ring: Ring): Ring {
  return ring.length ? [...ring, ring[0]!] : ring;
}
