import {
  type Column,
  columnStats,
  encodeRleString,
  maskToImageRle,
  polygonColumns,
  polygonPixelArea,
  rleColumns,
  rleFromColumns,
} from '../../src/geometry/rle.js';
import {
  type Bounds,
  bounds,
  ellipseRing,
  rectangleRing,
  splineRing,
} from '../../src/geometry/shapes.js';
import type { LossReport } from '../../src/loss.js';
import type {
  AnnotationObject,
  Geometry,
  MaskGeometry,
  Point,
  Ring,
} from '../../src/model/types.js';

/** How geometries COCO cannot hold are mapped; each mapping is reported with these values. */
export interface EncodeOptions {
  pointBoxSize: number;
  /** Cut boxes around points at the image edges (at 0 when the image size is not known yet). */
  clipBoxes: boolean;
  holes: 'mask' | 'fill' | 'drop';
}

export interface ImageSize {
  width: number;
  height: number;
}

export type Segmentation = number[][] | { size: [number, number]; counts: string };

/** One COCO annotation's shape: bbox [x, y, w, h], area, and a segmentation when not a box. */
export interface Shape {
  bbox: [number, number, number, number];
  area: number;
  segmentation?: Segmentation;
}

const ELLIPSE_SEGMENTS = 72;
const SPLINE_SAMPLES = 16;

/** The COCO shapes of one object (several for a multipoint; none when it was left out). */
export function encodeGeometry(
  object: AnnotationObject,
  size: ImageSize | undefined,
  options: EncodeOptions,
  loss: LossReport,
): Shape[] {
  const g = object.geometry;
  const id = object.id;
  if (!g) {
    loss.add('NO_GEOMETRY', id);
    return [];
  }
  switch (g.type) {
    case 'point':
      return pointBoxes(id, [g.coordinates], size, options, loss);
    case 'multipoint':
      loss.add('MULTIPOINT_SPLIT', id);
      return pointBoxes(id, g.coordinates, size, options, loss);
    case 'line':
      loss.add('GEOMETRY_UNSUPPORTED', id, { type: 'line', reason: 'COCO has no lines' });
      return [];
    case 'rectangle':
      if (!g.rotation) return [{ bbox: [g.x, g.y, g.width, g.height], area: g.width * g.height }];
      loss.add('RECTANGLE_POLYGONISED', id, { reason: 'rotated' });
      return polygons(id, [[rectangleRing(g)]], false, size, options, loss);
    case 'polygon':
      return polygons(id, [g.rings], g.closed ?? false, size, options, loss);
    case 'multipolygon':
      return polygons(id, g.polygons, g.closed ?? false, size, options, loss);
    default:
      return curvesAndMasks(object, g, size, options, loss);
  }
}

function curvesAndMasks(
  object: AnnotationObject,
  g: Geometry,
  size: ImageSize | undefined,
  options: EncodeOptions,
  loss: LossReport,
): Shape[] {
  const id = object.id;
  if (g.type === 'ellipse') {
    const segments = g.vertices && g.vertices.length >= 3 ? 'source vertices' : ELLIPSE_SEGMENTS;
    loss.add('ELLIPSE_POLYGONISED', id, { segments });
    return polygons(id, [[ellipseRing(g, ELLIPSE_SEGMENTS)]], false, size, options, loss);
  }
  if (g.type === 'spline' && g.interpolation === 'catmull-rom-closed') {
    loss.add('SPLINE_DENSIFIED', id, { samplesPerSegment: SPLINE_SAMPLES });
    return polygons(id, [[splineRing(g, SPLINE_SAMPLES)]], false, size, options, loss);
  }
  if (g.type === 'spline') {
    loss.add('GEOMETRY_UNSUPPORTED', id, { type: 'open spline', reason: 'COCO has no lines' });
    return [];
  }
  if (g.type === 'mask') return mask(id, g, size, loss);
  return [];
}

function pointBoxes(
  id: string,
  points: Point[],
  size: ImageSize | undefined,
  options: EncodeOptions,
  loss: LossReport,
): Shape[] {
  const side = options.pointBoxSize;
  loss.add('POINT_TO_BOX', id, { pointBoxSize: side, box: 'centred on the point' });
  let clipped = false;
  const shapes = points.map(([x, y]): Shape => {
    const box = { minX: x - side / 2, minY: y - side / 2, maxX: x + side / 2, maxY: y + side / 2 };
    if (options.clipBoxes) clipped = clip(box, size) || clipped;
    const [w, h] = [box.maxX - box.minX, box.maxY - box.minY];
    return { bbox: [box.minX, box.minY, w, h], area: w * h };
  });
  if (clipped) loss.add('BOX_CLIPPED', id, CLIP_PARAMS);
  return shapes;
}

const CLIP_PARAMS = { edges: 'image', keepWhole: '--no-clip-boxes' };

/** Cut a box to the image (at 0 only when its size is not known yet); true if it changed. */
function clip(box: Bounds, size: ImageSize | undefined): boolean {
  const limits = [Math.max(0, box.minX), Math.max(0, box.minY), box.maxX, box.maxY];
  if (size) {
    limits[2] = Math.min(size.width, box.maxX);
    limits[3] = Math.min(size.height, box.maxY);
  }
  const [minX, minY, maxX, maxY] = limits as [number, number, number, number];
  if (minX === box.minX && minY === box.minY && maxX === box.maxX && maxY === box.maxY)
    return false;
  Object.assign(box, { minX, minY, maxX: Math.max(minX, maxX), maxY: Math.max(minY, maxY) });
  return true;
}

function polygons(
  id: string,
  parts: Ring[][],
  closed: boolean,
  size: ImageSize | undefined,
  options: EncodeOptions,
  loss: LossReport,
): Shape[] {
  const kept = parts
    .map((rings) => rings.filter((ring) => ring.length >= 3))
    .filter((r) => r.length);
  if (kept.length === 0) {
    loss.add('GEOMETRY_UNSUPPORTED', id, { reason: 'a polygon with fewer than 3 vertices' });
    return [];
  }
  if (!kept.some((rings) => rings.length > 1)) return [polygonShape(kept, closed)];
  if (options.holes === 'drop') {
    loss.add('GEOMETRY_UNSUPPORTED', id, { reason: 'polygon with holes', holes: 'drop' });
    return [];
  }
  if (options.holes === 'mask' && size) {
    loss.add('POLYGON_RASTERISED', id, { holes: 'mask', pixel: 'centre inside, even-odd' });
    const columns = polygonColumns(kept, size);
    return [rleShape(columns, size, bounds({ type: 'multipolygon', polygons: kept }))];
  }
  const reason = options.holes === 'fill' ? '--holes fill' : 'no image size for a mask';
  loss.add('HOLES_DROPPED', id, { holes: options.holes, reason });
  return [
    polygonShape(
      kept.map((rings) => [rings[0]!]),
      closed,
    ),
  ];
}

/** A polygon of non-overlapping parts without holes; area is its pixel count, as COCO's is. */
function polygonShape(parts: Ring[][], closed: boolean): Shape {
  const segmentation = parts.map(([ring]) => {
    const flat = ring!.flat();
    return closed ? [...flat, ring![0]![0], ring![0]![1]] : flat;
  });
  const box = bounds({ type: 'multipolygon', polygons: parts })!;
  const area = polygonPixelArea(parts);
  return {
    bbox: [box.minX, box.minY, box.maxX - box.minX, box.maxY - box.minY],
    area,
    segmentation,
  };
}

function mask(id: string, g: MaskGeometry, size: ImageSize | undefined, loss: LossReport) {
  if (!size) {
    loss.add('MASK_UNSUPPORTED', id, { reason: 'no image size for the mask' });
    return [];
  }
  const counts = maskToImageRle(g, size.width, size.height);
  const box = { minX: g.x, minY: g.y, maxX: g.x + g.width, maxY: g.y + g.height };
  return [rleShape([...rleColumns(counts, size.height)], size, box)];
}

function rleShape(columns: Column[], size: ImageSize, fallback?: ReturnType<typeof bounds>) {
  const counts = rleFromColumns(columns, size.width, size.height);
  const { area, bbox } = columnStats(columns);
  const f = fallback ?? { minX: 0, minY: 0, maxX: 0, maxY: 0 };
  const shape: Shape = {
    bbox: bbox ?? [f.minX, f.minY, f.maxX - f.minX, f.maxY - f.minY],
    area,
    segmentation: { size: [size.height, size.width], counts: encodeRleString(counts) },
  };
  return shape;
}
