import { openRing } from '../../src/geometry/shapes.js';
import type { Geometry, ObjectKind, Point } from '../../src/model/types.js';
import { AnnotationType } from './conventions.js';
import type { Problems } from './read-objects.js';

/** One Annotations_coordinates row as read: annoId, x, y, z (NULL when absent), uid. */
export type CoordinateRow = [number, number | null, number | null, number | null, number];

export interface Shape {
  kind: ObjectKind;
  geometry: Geometry | null;
  /** coordinateZ of the first row when it is not the default 0. */
  z?: number;
}

const TABLE = 'Annotations';

/**
 * The canonical geometry of one annotation from its coordinate rows (already in orderIdx
 * order). Values are kept exactly as stored, REAL values in INTEGER columns included.
 */
export function buildGeometry(
  uid: number,
  type: number,
  rows: CoordinateRow[],
  problems: Problems,
): Shape | undefined {
  const z = rows[0]?.[3];
  const shape =
    type === AnnotationType.imageLabel ? imageLabel() : drawn(uid, type, rows, problems);
  if (shape && typeof z === 'number' && z !== 0) shape.z = z;
  return shape;
}

function imageLabel(): Shape {
  return { kind: 'imageLabel', geometry: null };
}

function drawn(uid: number, type: number, rows: CoordinateRow[], problems: Problems) {
  const points = pointsOf(uid, rows, problems);
  if (!points) return undefined;
  switch (type) {
    case AnnotationType.spot:
    case AnnotationType.specialSpot:
      return spot(uid, type, points, problems);
    case AnnotationType.area:
      return twoCorners(uid, points, problems, rectangle);
    case AnnotationType.circle:
      return twoCorners(uid, points, problems, circle);
    case AnnotationType.polygon:
      return polygon(uid, points, problems);
    default:
      problems.warn(
        'unknown-type',
        `annotation type ${type} is not one SlideRunner defines (1–6); skipped`,
        TABLE,
        uid,
      );
      return undefined;
  }
}

/** The vertices, or a warning naming the annotation when some are missing. */
function pointsOf(uid: number, rows: CoordinateRow[], problems: Problems): Point[] | undefined {
  if (rows.length === 0) {
    problems.warn(
      'no-coordinates',
      'annotation has no rows in Annotations_coordinates; skipped',
      TABLE,
      uid,
    );
    return undefined;
  }
  const points: Point[] = [];
  for (const [, x, y, , rowUid] of rows) {
    if (typeof x !== 'number' || typeof y !== 'number') {
      const text = `coordinate row ${rowUid} has no x or y; the annotation was skipped`;
      problems.warn('no-coordinates', text, TABLE, uid);
      return undefined;
    }
    points.push([x, y]);
  }
  return points;
}

function spot(uid: number, type: number, points: Point[], problems: Problems): Shape {
  if (points.length > 1) {
    problems.warn(
      'extra-coordinates',
      `a spot with ${points.length} coordinates; the first is used`,
      TABLE,
      uid,
    );
  }
  const kind = type === AnnotationType.specialSpot ? 'specialSpot' : 'annotation';
  return { kind, geometry: { type: 'point', coordinates: points[0]! } };
}

/** Rectangles and circles are stored as two corners; other counts are reported. */
function twoCorners(
  uid: number,
  points: Point[],
  problems: Problems,
  make: (a: Point, b: Point) => Geometry,
): Shape | undefined {
  if (points.length !== 2) {
    problems.warn(
      'corner-count',
      `expected 2 corner coordinates, found ${points.length}; skipped`,
      TABLE,
      uid,
    );
    return undefined;
  }
  return { kind: 'annotation', geometry: make(points[0]!, points[1]!) };
}

function rectangle([x1, y1]: Point, [x2, y2]: Point): Geometry {
  const x = Math.min(x1, x2);
  const y = Math.min(y1, y2);
  return { type: 'rectangle', x, y, width: Math.abs(x2 - x1), height: Math.abs(y2 - y1) };
}

/** SlideRunner takes the radius from the x extent of the bounding square alone. */
function circle([x1, y1]: Point, [x2, y2]: Point): Geometry {
  const r = Math.abs(x2 - x1) / 2;
  return {
    type: 'ellipse',
    cx: (x1 + x2) / 2,
    cy: (y1 + y2) / 2,
    rx: r,
    ry: r,
    encoding: 'bounding-square',
  };
}

function polygon(uid: number, points: Point[], problems: Problems): Shape {
  const { ring, wasClosed } = openRing(points);
  if (ring.length < 3) {
    problems.warn('short-polygon', `a polygon with ${ring.length} distinct vertices`, TABLE, uid);
  }
  const geometry: Geometry = { type: 'polygon', rings: [ring] };
  if (wasClosed) geometry.closed = true;
  return { kind: 'annotation', geometry };
}
