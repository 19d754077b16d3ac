import {
  closeRing,
  ellipseRing,
  polygonArea,
  rectangleRing,
  splineRing,
} from '../../src/geometry/shapes.js';
import type { LossReport } from '../../src/loss.js';
import type { AnnotationObject, Point, Ring } from '../../src/model/types.js';
import type { XmlTree } from './parse.js';

/** One ImageScope region to write. */
export interface RegionOut {
  type: string;
  vertices: Point[];
  negative: boolean;
  /** A hole of the object's polygon, written as its own NegativeROA region. */
  hole?: true;
  /** Attributes and children the source region had (for holes: the negative region's own). */
  kept?: { attributes?: Record<string, string>; children?: XmlTree[]; z?: string | string[] };
  /** Area and perimeter in pixels, for the Area and Length attributes. */
  area: number;
  length: number;
}

export const SPLINE_SAMPLES = 16;

interface RegionExtras {
  attributes?: Record<string, string>;
  children?: XmlTree[];
  holes?: {
    attributes: Record<string, string>;
    children: XmlTree[];
    z?: string | string[];
    closed?: boolean;
  }[];
  z?: string | string[];
}

/**
 * The regions that stand for one object, with every approximation reported. Holes are written
 * as `NegativeROA` regions right after their polygon, as ImageScope itself stores them.
 */
export function regionsOf(object: AnnotationObject, loss: LossReport): RegionOut[] {
  const g = object.geometry;
  const id = object.id;
  const extras = (object.extras?.['imagescope-xml'] ?? {}) as RegionExtras;
  const own = { attributes: extras.attributes, children: extras.children, z: extras.z };
  const negative = object.flags?.negative === true;
  if (!g) {
    loss.add('NO_GEOMETRY', id);
    return [];
  }
  switch (g.type) {
    case 'polygon':
      return polygon(g.rings, g.closed === true, negative, own, extras.holes);
    case 'multipolygon':
      loss.add('MULTIPOLYGON_SPLIT', id);
      return g.polygons.flatMap((rings, n) =>
        polygon(rings, g.closed === true, negative, n === 0 ? own : {}),
      );
    case 'rectangle':
      if (g.rotation) loss.add('RECTANGLE_POLYGONISED', id);
      return [area(g.rotation ? '0' : '1', rectangleRing(g), negative, own)];
    case 'ellipse':
      if (!g.rotation) {
        const box: Point[] = [
          [g.cx - g.rx, g.cy - g.ry],
          [g.cx + g.rx, g.cy + g.ry],
        ];
        return [{ ...area('2', ellipseRing(g), negative, own), vertices: box }];
      }
      loss.add('ELLIPSE_POLYGONISED', id);
      return [area('0', ellipseRing(g), negative, own)];
    case 'spline':
      loss.add('SPLINE_DENSIFIED', id, { samplesPerSegment: SPLINE_SAMPLES });
      return [area('0', splineRing(g, SPLINE_SAMPLES), negative, own)];
    case 'line':
      return line(object, g.coordinates, own, loss);
    case 'mask':
      loss.add('MASK_UNSUPPORTED', id);
      return [];
    default:
      // LIMITATION: points and point sets are not written: no ImageScope type for them is known.
      loss.add('GEOMETRY_UNSUPPORTED', id, { geometry: g.type });
      return [];
  }
}

/**
 * A polygon and its holes. Rings the source closed with a repeated vertex are written closed
 * again: the outer ring by the geometry's `closed`, each hole as its own negative region was.
 */
function polygon(
  rings: Ring[],
  closed: boolean,
  negative: boolean,
  own: RegionOut['kept'],
  holes: RegionExtras['holes'] = [],
): RegionOut[] {
  const [outer, ...inner] = rings;
  if (!outer) return [];
  // The source's Type unless the shape changed (an ellipse or box turned polygon by holes).
  const source = own?.attributes?.Type ?? '0';
  const type = source === '2' || (source === '1' && outer.length !== 4) ? '0' : source;
  const out = [area(type, outer, negative, own, closed)];
  for (const [n, ring] of inner.entries()) {
    const hole: Partial<NonNullable<RegionExtras['holes']>[number]> = holes[n] ?? {};
    const { closed: holeClosed = closed, ...kept } = hole;
    const box = kept.attributes?.Type === '1' && ring.length === 4;
    out.push({ ...area(box ? '1' : '0', ring, true, kept, holeClosed), hole: true });
  }
  return out;
}

function line(
  object: AnnotationObject,
  points: Point[],
  own: RegionOut['kept'],
  loss: LossReport,
): RegionOut[] {
  if (points.length !== 2) {
    loss.add('GEOMETRY_UNSUPPORTED', object.id, { geometry: 'polyline' });
    return [];
  }
  const [[x1, y1], [x2, y2]] = points as [Point, Point];
  const source = own?.attributes?.Type;
  const type = source === '3' || source === '4' ? source : '4';
  const length = Math.hypot(x2 - x1, y2 - y1);
  return [{ type, vertices: points, negative: false, kept: own, area: 0, length }];
}

function area(
  type: string,
  ring: Ring,
  negative: boolean,
  kept: RegionOut['kept'],
  closed = false,
): RegionOut {
  let length = 0;
  ring.forEach(([x, y], i) => {
    const [px, py] = ring[(i + 1) % ring.length]!;
    length += Math.hypot(px - x, py - y);
  });
  const vertices = closed ? closeRing(ring) : ring;
  return { type, vertices, negative, kept, area: polygonArea([ring]), length };
}
