import { ellipseRing, rectangleRing } from '../../src/geometry/shapes.js';
import type { LossReport } from '../../src/loss.js';
import type { AnnotationObject, Point, Ring } from '../../src/model/types.js';
import { asapType } from './geometry.js';

/** One ASAP annotation to write: its type, coordinates, and where it differs from the object. */
export interface AsapShape {
  type: string;
  points: Point[];
  /** Set for holes: they go to the exclusion group under their own name (and Color if known). */
  hole?: { name: string; color?: string };
}

/**
 * The ASAP annotations that stand for one canonical object, with every approximation reported.
 * ASAP has no holes, multipolygons, ellipses or polylines: holes become exclusion-group
 * annotations, parts become annotations of their own, ellipses polygons, polylines are left out.
 */
export function shapesOf(object: AnnotationObject, loss: LossReport): AsapShape[] {
  const g = object.geometry;
  const id = object.id;
  if (!g) {
    loss.add('NO_GEOMETRY', id);
    return [];
  }
  switch (g.type) {
    case 'point':
      return [{ type: 'Dot', points: [g.coordinates] }];
    case 'multipoint':
      return [{ type: 'PointSet', points: g.coordinates }];
    case 'line':
      if (g.coordinates.length === 2) return [{ type: 'Measurement', points: g.coordinates }];
      loss.add('GEOMETRY_UNSUPPORTED', id, { geometry: 'polyline' });
      return [];
    case 'polygon':
      return polygonShapes(object, g.rings, loss);
    case 'multipolygon':
      loss.add('MULTIPOLYGON_SPLIT', id);
      return g.polygons.flatMap((rings) => polygonShapes(object, rings, loss));
    case 'rectangle':
      if (!g.rotation) return [{ type: 'Rectangle', points: rectangleRing(g) }];
      loss.add('RECTANGLE_POLYGONISED', id);
      return [{ type: 'Polygon', points: rectangleRing(g) }];
    case 'ellipse':
      loss.add('ELLIPSE_POLYGONISED', id);
      return [{ type: 'Polygon', points: ellipseRing(g) }];
    case 'spline':
      if (g.interpolation === 'catmull-rom-closed') {
        return [{ type: 'Spline', points: g.controlPoints }];
      }
      loss.add('GEOMETRY_UNSUPPORTED', id, { geometry: 'open spline' });
      return [];
    case 'mask':
      loss.add('MASK_UNSUPPORTED', id);
      return [];
  }
}

function polygonShapes(object: AnnotationObject, rings: Ring[], loss: LossReport): AsapShape[] {
  const [outer, ...holes] = rings;
  if (!outer) return [];
  const extras = object.extras?.['asap-xml'] as
    | { type?: string; holeNames?: string[]; holeColors?: string[] }
    | undefined;
  // A file's own spelling (a 4-corner "Rectangle" that is not axis-aligned) is kept.
  const kept = ['Polygon', 'Rectangle'].includes(asapType(extras?.type) ?? '');
  const own = kept ? extras!.type! : 'Polygon';
  const shapes: AsapShape[] = [{ type: own, points: outer }];
  for (const [n, hole] of holes.entries()) {
    loss.add('HOLES_SEPARATED', object.id);
    const name = extras?.holeNames?.[n] ?? `${object.name ?? object.id} hole ${n + 1}`;
    const color = extras?.holeColors?.[n];
    shapes.push({ type: 'Polygon', points: hole, hole: color ? { name, color } : { name } });
  }
  return shapes;
}
