import type { Point, RectangleGeometry } from '../model/types.js';

/**
 * Four corners in the order top-left, top-right, bottom-right, bottom-left (as ASAP's and
 * ImageScope's rectangle tools write them) as a rectangle; undefined unless they form an
 * axis-aligned box in that order, so other quadrilaterals stay polygons.
 */
export function rectangleFromCorners(points: Point[]): RectangleGeometry | undefined {
  if (points.length !== 4) return undefined;
  const [tl, tr, br, bl] = points as [Point, Point, Point, Point];
  const aligned = tl[1] === tr[1] && tr[0] === br[0] && br[1] === bl[1] && bl[0] === tl[0];
  if (!aligned || tr[0] <= tl[0] || bl[1] <= tl[1]) return undefined;
  return { type: 'rectangle', x: tl[0], y: tl[1], width: tr[0] - tl[0], height: bl[1] - tl[1] };
}
