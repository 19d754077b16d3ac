import type { Point, Ring } from '../model/types.js';

/**
 * Self-intersection of a polygon's rings: any two edges that are not neighbours on the same
 * ring and share a point. Edges are swept in x order, so rings of tens of thousands of
 * vertices are checked without comparing every pair.
 */
interface Edge {
  ring: number;
  index: number;
  a: Point;
  b: Point;
  minX: number;
  maxX: number;
}

// LIMITATION: a hole touching its outer ring at one vertex (valid in OGC terms) is reported too.
/** The first crossing found, as the point where two edges meet; undefined when simple. */
export function findSelfIntersection(rings: Ring[]): Point | undefined {
  const edges = ringEdges(rings);
  edges.sort((p, q) => p.minX - q.minX);
  for (let i = 0; i < edges.length; i++) {
    const e = edges[i]!;
    for (let j = i + 1; j < edges.length && edges[j]!.minX <= e.maxX; j++) {
      const f = edges[j]!;
      if (adjacent(e, f, rings)) continue;
      const hit = intersect(e.a, e.b, f.a, f.b);
      if (hit) return hit;
    }
  }
  return undefined;
}

function ringEdges(rings: Ring[]): Edge[] {
  const edges: Edge[] = [];
  for (const [r, ring] of rings.entries()) {
    for (let i = 0; i < ring.length; i++) {
      const a = ring[i]!;
      const b = ring[(i + 1) % ring.length]!;
      if (a[0] === b[0] && a[1] === b[1]) continue;
      edges.push({
        ring: r,
        index: i,
        a,
        b,
        minX: Math.min(a[0], b[0]),
        maxX: Math.max(a[0], b[0]),
      });
    }
  }
  return edges;
}

/** Consecutive edges of one ring share a vertex by construction. */
function adjacent(e: Edge, f: Edge, rings: Ring[]): boolean {
  if (e.ring !== f.ring) return false;
  const n = rings[e.ring]!.length;
  const d = Math.abs(e.index - f.index);
  return d === 1 || d === n - 1;
}

function cross(o: Point, a: Point, b: Point): number {
  return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
}

function onSegment(p: Point, a: Point, b: Point): boolean {
  return (
    Math.min(a[0], b[0]) <= p[0] &&
    p[0] <= Math.max(a[0], b[0]) &&
    Math.min(a[1], b[1]) <= p[1] &&
    p[1] <= Math.max(a[1], b[1])
  );
}

/** Where segments ab and cd meet (touching and overlapping count), or undefined. */
export function intersect(a: Point, b: Point, c: Point, d: Point): Point | undefined {
  const d1 = cross(c, d, a);
  const d2 = cross(c, d, b);
  const d3 = cross(a, b, c);
  const d4 = cross(a, b, d);
  if (((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0))) {
    const t = d1 / (d1 - d2);
    return [a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])];
  }
  if (d1 === 0 && onSegment(a, c, d)) return a;
  if (d2 === 0 && onSegment(b, c, d)) return b;
  if (d3 === 0 && onSegment(c, a, b)) return c;
  if (d4 === 0 && onSegment(d, a, b)) return d;
  return undefined;
}
