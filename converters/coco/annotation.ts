import type { ConvertContext } from '../../src/converter.js';
import { openRing } from '../../src/geometry/shapes.js';
import { decodeRleString, rleLength } from '../../src/geometry/rle.js';
import type { AnnotationObject, Geometry, Point, Ring } from '../../src/model/types.js';
import type { BboxFormat } from './bbox-format.js';
import type { ImageEntry } from './dictionaries.js';
import { LABEL_VOTES_KEY } from './labels.js';
import { Problem, show } from './problem.js';
import { readPositionalLabels, readVotes } from './read-labels.js';

/** What pass 2 needs to turn one COCO annotation into a canonical object. */
export interface AnnotationScope {
  file: string;
  context: ConvertContext;
  images: Map<string, ImageEntry>;
  slideIds: Map<string, string>;
  /** Category id → class id; undefined for slidepack's "unclassified" category. */
  classIds: Map<string, string | undefined>;
  annotators: string[];
  bboxFormat: BboxFormat;
  bboxParams: Record<string, unknown>;
  boxesAsPoints: boolean;
  /** Boxes of zero width or height: how many, and the first pointers, for one warning. */
  emptyBoxes: { count: number; places: string[] };
}

const NOT_READ = { reason: 'the error at this JSON pointer' };

const KNOWN = new Set([
  ...['id', 'image_id', 'category_id', 'bbox', 'segmentation', 'area', 'iscrowd', 'score'],
  'labels',
  LABEL_VOTES_KEY,
]);

/** Objects left out in pass 1 (their errors are already reported) go in the loss report too. */
export function skipAnnotation(pointer: string, scope: AnnotationScope): void {
  scope.context.loss?.add('OBJECT_NOT_READ', pointer, NOT_READ);
}

/** One annotation as a canonical object, or undefined after reporting why it cannot be one. */
export function parseAnnotation(
  value: unknown,
  pointer: string,
  scope: AnnotationScope,
): AnnotationObject | undefined {
  try {
    return toObject(value, pointer, scope);
  } catch (e) {
    if (!(e instanceof Problem)) throw e;
    scope.context.messages.error('coco/annotation', e.message, {
      file: scope.file,
      place: e.place,
      ...(e.expected ? { expected: e.expected } : {}),
      ...(e.actual !== undefined ? { actual: JSON.stringify(e.actual) ?? 'nothing' } : {}),
    });
    scope.context.loss?.add('OBJECT_NOT_READ', pointer, NOT_READ);
    return undefined;
  }
}

function toObject(value: unknown, pointer: string, scope: AnnotationScope): AnnotationObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Problem(pointer, 'an annotation must be an object', 'an object', value);
  }
  const a = value as Record<string, unknown>;
  const id = String(a.id);
  const slide = scope.slideIds.get(String(a.image_id));
  if (slide === undefined) {
    throw new Problem(`${pointer}/image_id`, `image_id ${show(a.image_id)} is not in /images`);
  }
  if (!scope.classIds.has(String(a.category_id))) {
    const where = `${pointer}/category_id`;
    throw new Problem(where, `category_id ${show(a.category_id)} is not in /categories`);
  }
  const image = scope.images.get(String(a.image_id))!;
  const geometry = readGeometry(a, pointer, image, scope);
  const object: AnnotationObject = { type: 'object', id, slide, kind: 'annotation', geometry };
  const classId = scope.classIds.get(String(a.category_id));
  if (classId !== undefined) object.class = classId;
  addOptional(object, a, pointer, scope);
  return object;
}

function addOptional(
  object: AnnotationObject,
  a: Record<string, unknown>,
  pointer: string,
  scope: AnnotationScope,
): void {
  if (a.iscrowd === 1 || a.iscrowd === true) object.flags = { crowd: true };
  if (typeof a.score === 'number') object.score = a.score;
  const votes = a[LABEL_VOTES_KEY];
  if (votes !== undefined) object.labels = readVotes(votes, `${pointer}/${LABEL_VOTES_KEY}`, scope);
  else if (Array.isArray(a.labels)) {
    object.labels = readPositionalLabels(a.labels, `${pointer}/labels`, scope);
  }
  // Positional labels beside label_votes (not written by slidepack) are kept as they are.
  const known = (key: string) => KNOWN.has(key) && !(key === 'labels' && votes !== undefined);
  const extras = Object.entries(a).filter(([key]) => !known(key));
  if (extras.length) object.extras = { coco: Object.fromEntries(extras) };
  object.sourceIds = { coco: a.id as number };
}

function readGeometry(
  a: Record<string, unknown>,
  pointer: string,
  image: ImageEntry,
  scope: AnnotationScope,
): Geometry {
  const s = a.segmentation;
  const hasSegmentation = Array.isArray(s) ? s.length > 0 : s !== undefined && s !== null;
  if (hasSegmentation) {
    if (Array.isArray(s)) return readPolygons(s, `${pointer}/segmentation`);
    return readRle(s, `${pointer}/segmentation`, image, scope);
  }
  if (a.bbox === undefined) {
    throw new Problem(pointer, 'the annotation has neither "bbox" nor "segmentation"');
  }
  return readBox(a.bbox, `${pointer}/bbox`, String(a.id), scope);
}

function readBox(value: unknown, pointer: string, id: string, scope: AnnotationScope): Geometry {
  const numbers = Array.isArray(value) && value.every((v) => typeof v === 'number');
  if (!numbers || value.length !== 4 || !value.every(Number.isFinite)) {
    throw new Problem(pointer, 'a bbox must be 4 numbers', '[x, y, width, height]', value);
  }
  const [x, y, c, d] = value as number[];
  const xyxy = scope.bboxFormat === 'xyxy';
  const width = xyxy ? c! - x! : c!;
  const height = xyxy ? d! - y! : d!;
  if (width < 0 || height < 0) {
    const form = xyxy ? '[x1, y1, x2, y2] with x2 ≥ x1, y2 ≥ y1' : '[x, y, w, h] with w, h ≥ 0';
    throw new Problem(pointer, 'the bbox has a negative width or height', form, value);
  }
  if (xyxy) scope.context.loss?.add('XYXY_BBOX_DETECTED', id, scope.bboxParams);
  if ((width === 0 || height === 0) && !scope.boxesAsPoints) {
    scope.emptyBoxes.count += 1;
    if (scope.emptyBoxes.places.length < 5) scope.emptyBoxes.places.push(pointer);
  }
  if (!scope.boxesAsPoints) return { type: 'rectangle', x: x!, y: y!, width, height };
  scope.context.loss?.add('BOX_TO_POINT', id, { option: '--boxes-as-points', point: 'box centre' });
  return { type: 'point', coordinates: [x! + width / 2, y! + height / 2] };
}

function readPolygons(parts: unknown[], pointer: string): Geometry {
  // A flat [x1, y1, …] list instead of a list of lists: seen in the wild; read as one part.
  const lists = parts.every((p) => typeof p === 'number') ? [parts] : parts;
  let closed = true;
  const rings = lists.map((part, i) => {
    const { ring, wasClosed } = openRing(
      readRing(part, lists === parts ? `${pointer}/${i}` : pointer),
    );
    closed &&= wasClosed;
    return ring;
  });
  const geometry: Geometry =
    rings.length === 1
      ? { type: 'polygon', rings: [rings[0]!] }
      : { type: 'multipolygon', polygons: rings.map((ring) => [ring]) };
  if (closed) geometry.closed = true;
  return geometry;
}

function readRing(part: unknown, pointer: string): Ring {
  if (!Array.isArray(part) || !part.every((v) => typeof v === 'number' && Number.isFinite(v))) {
    throw new Problem(
      pointer,
      'a polygon must be a list of numbers',
      '[x1, y1, x2, y2, x3, y3, …]',
    );
  }
  if (part.length === 4) {
    throw new Problem(
      pointer,
      'a polygon of 4 numbers is ambiguous: pycocotools reads it as a box [x, y, w, h], ' +
        'not as 2 vertices',
      'at least 3 vertices (6 numbers)',
      part,
    );
  }
  if (part.length < 6 || part.length % 2 === 1) {
    const expected = 'an even count of at least 6 numbers (3 vertices)';
    throw new Problem(pointer, `a polygon of ${part.length} numbers`, expected);
  }
  const ring: Point[] = [];
  for (let i = 0; i < part.length; i += 2) ring.push([part[i] as number, part[i + 1] as number]);
  return ring;
}

function readRle(value: unknown, pointer: string, image: ImageEntry, scope: AnnotationScope) {
  const rle = value as { size?: unknown; counts?: unknown };
  const size = rle?.size;
  const validSize =
    Array.isArray(size) && size.length === 2 && size.every((v) => Number.isInteger(v) && v >= 0);
  if (typeof rle !== 'object' || !validSize) {
    throw new Problem(`${pointer}/size`, 'an RLE needs "size": [height, width]', '[h, w]', size);
  }
  const [height, width] = size as number[];
  const counts = rleCounts(rle.counts, `${pointer}/counts`);
  if (rleLength(counts) !== height! * width!) {
    const got = `counts summing to ${rleLength(counts)}`;
    throw new Problem(
      `${pointer}/counts`,
      `the RLE counts do not cover the mask (${got})`,
      `counts summing to height × width = ${height! * width!}`,
    );
  }
  if (image.width !== undefined && (image.width !== width || image.height !== height)) {
    scope.context.messages.warn('coco/rle-size', 'the RLE size differs from its image size', {
      file: scope.file,
      place: `${pointer}/size`,
      expected: `[${image.height}, ${image.width}]`,
      actual: JSON.stringify(size),
    });
  }
  return {
    type: 'mask',
    x: 0,
    y: 0,
    width: width!,
    height: height!,
    counts,
    order: 'column-major',
  } as const;
}

function rleCounts(counts: unknown, pointer: string): number[] {
  let list = counts;
  if (typeof counts === 'string') {
    try {
      list = decodeRleString(counts);
    } catch (e) {
      throw new Problem(
        pointer,
        `the compressed RLE counts are malformed: ${(e as Error).message}`,
      );
    }
  }
  if (Array.isArray(list) && list.every((n) => Number.isInteger(n) && n >= 0)) return list;
  throw new Problem(pointer, 'RLE counts must be whole numbers ≥ 0 or a compressed string');
}
