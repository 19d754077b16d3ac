import { closeRing, ellipseRing, rectangleRing, splineRing } from '../../src/geometry/shapes.js';
import type { LossReport } from '../../src/loss.js';
import type { AnnotationObject, EllipseGeometry, Geometry, Ring } from '../../src/model/types.js';
import { AnnotationType } from './conventions.js';

/** A coordinate as stored: NULL x and y for whole-image labels. */
export type StoredPoint = [number | null, number | null];

/** One SlideRunner annotation to write: its type code and coordinate rows in order. */
export interface Part {
  type: number;
  points: StoredPoint[];
}

/**
 * The SlideRunner annotations one canonical object becomes. Usually one; a multipolygon or a
 * multipoint becomes one per part, and shapes SlideRunner cannot draw become none. Every
 * change is reported in the loss report under the object's id.
 */
export function toParts(object: AnnotationObject, loss: LossReport): Part[] {
  const g = object.geometry;
  if (!g) return [{ type: AnnotationType.imageLabel, points: [[null, null]] }];
  switch (g.type) {
    case 'point':
      return [{ type: spotType(object), points: [g.coordinates] }];
    case 'multipoint':
      if (g.coordinates.length > 1) loss.add('MULTIPOINT_SPLIT', object.id);
      return g.coordinates.map((p) => ({ type: spotType(object), points: [p] }));
    case 'rectangle':
      return [rectangle(object, g, loss)];
    case 'polygon':
      return [polygon(object, g.rings, loss)];
    case 'multipolygon':
      if (g.polygons.length > 1) loss.add('MULTIPOLYGON_SPLIT', object.id);
      return g.polygons.map((rings) => polygon(object, rings, loss));
    case 'ellipse':
      return [ellipse(object, g, loss)];
    default:
      return unsupported(object, g, loss);
  }
}

function spotType(object: AnnotationObject): number {
  return object.kind === 'specialSpot' ? AnnotationType.specialSpot : AnnotationType.spot;
}

/** Rings are stored closed (first vertex repeated), as SlideRunner has done since version 1. */
function closedPolygon(ring: Ring): Part {
  return { type: AnnotationType.polygon, points: closeRing(ring) };
}

function polygon(object: AnnotationObject, rings: Ring[], loss: LossReport): Part {
  if (rings.length > 1) loss.add('HOLES_DROPPED', object.id);
  return closedPolygon(rings[0] ?? []);
}

/** Two corners, as SlideRunner's rectangle tool stores them; rotated ones become polygons. */
function rectangle(
  object: AnnotationObject,
  r: Extract<Geometry, { type: 'rectangle' }>,
  loss: LossReport,
): Part {
  if (r.rotation) {
    loss.add('RECTANGLE_POLYGONISED', object.id);
    return closedPolygon(rectangleRing(r));
  }
  const points: StoredPoint[] = [
    [r.x, r.y],
    [r.x + r.width, r.y + r.height],
  ];
  return { type: AnnotationType.area, points };
}

/**
 * A circle goes in as SlideRunner's circle tool stores it: the bounding square around an
 * integer centre with an integer radius (Python `int()`, which truncates). Ellipses that are
 * not circles cannot be stored, so they become polygons.
 */
function ellipse(object: AnnotationObject, e: EllipseGeometry, loss: LossReport): Part {
  if (Math.abs(e.rx - e.ry) > 1e-9 * Math.max(1, e.rx)) {
    loss.add('ELLIPSE_POLYGONISED', object.id);
    return closedPolygon(ellipseRing(e));
  }
  const cx = Math.trunc(e.cx);
  const cy = Math.trunc(e.cy);
  const r = Math.trunc(e.rx);
  if (cx !== e.cx || cy !== e.cy || r !== e.rx) {
    loss.add('CIRCLE_RADIUS_TRUNCATED', object.id, { rule: 'Python int(): toward zero' });
  }
  const points: StoredPoint[] = [
    [cx - r, cy - r],
    [cx + r, cy + r],
  ];
  return { type: AnnotationType.circle, points };
}

function unsupported(object: AnnotationObject, g: Geometry, loss: LossReport): Part[] {
  if (g.type === 'spline' && g.interpolation === 'catmull-rom-closed') {
    loss.add('SPLINE_DENSIFIED', object.id, { samplesPerSegment: 16 });
    return [closedPolygon(splineRing(g))];
  }
  if (g.type === 'mask') loss.add('MASK_UNSUPPORTED', object.id);
  // SlideRunner has no open line type: closing a polyline would invent an area.
  else loss.add('GEOMETRY_UNSUPPORTED', object.id, { type: g.type });
  return [];
}
