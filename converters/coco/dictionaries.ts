import type { ConvertContext } from '../../src/converter.js';
import type { AnnotationClass, Annotator, Slide } from '../../src/model/types.js';
import { defaultAnnotatorName } from './labels.js';

/** COCO images and categories as read, with the JSON pointer each came from. */
export interface ImageEntry {
  pointer: string;
  id: number | string;
  fileName: string | undefined;
  width: number | undefined;
  height: number | undefined;
  /** A width or height is there but not a size (negative, not a number); already an error. */
  sizeInvalid: boolean;
  /** Members other than id, file_name, width and height, verbatim. */
  extras: Record<string, unknown>;
}

export interface CategoryEntry {
  pointer: string;
  id: number | string;
  name: string;
  supercategory: string | undefined;
  /** Written by slidepack for objects without a class; read back as no class. */
  unclassified: boolean;
  extras: Record<string, unknown>;
}

/** Marker on the category slidepack writes for objects that have no class. */
export const UNCLASSIFIED_KEY = 'unclassified';
const IMAGE_KEYS = new Set(['id', 'file_name', 'width', 'height']);
const CATEGORY_KEYS = new Set(['id', 'name', 'supercategory', UNCLASSIFIED_KEY]);

type Where = { file: string; place: string };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function validId(value: unknown): value is number | string {
  return (typeof value === 'number' && Number.isFinite(value)) || typeof value === 'string';
}

function rest(value: Record<string, unknown>, known: Set<string>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([key]) => !known.has(key)));
}

export function parseImage(
  value: unknown,
  pointer: string,
  file: string,
  context: ConvertContext,
): ImageEntry | undefined {
  const where: Where = { file, place: pointer };
  if (!isRecord(value) || !validId(value.id)) {
    context.messages.error('coco/image', 'an image needs an "id"', {
      ...where,
      expected: 'an object with a numeric "id", "file_name", "width" and "height"',
    });
    return undefined;
  }
  const fileName = typeof value.file_name === 'string' ? value.file_name : undefined;
  if (!fileName) {
    context.messages.warn('coco/image-file-name', 'the image has no "file_name"', where);
  }
  const width = imageSize(value, 'width', pointer, file, context);
  const height = imageSize(value, 'height', pointer, file, context);
  const sizeInvalid =
    (width === undefined && value.width != null) || (height === undefined && value.height != null);
  const extras = rest(value, IMAGE_KEYS);
  return { pointer, id: value.id, fileName, width, height, sizeInvalid, extras };
}

function imageSize(
  image: Record<string, unknown>,
  key: 'width' | 'height',
  pointer: string,
  file: string,
  context: ConvertContext,
): number | undefined {
  const value = image[key];
  const where = { file, place: `${pointer}/${key}`, expected: 'a whole number ≥ 0' };
  if (value === undefined || value === null) {
    context.messages.warn('coco/image-size', `the image has no ${key}; slide size unknown`, where);
    return undefined;
  }
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    const what = typeof value === 'number' && value < 0 ? `negative ${key}` : `bad ${key}`;
    context.messages.error('coco/image-size', `the image has a ${what}`, {
      ...where,
      actual: JSON.stringify(value),
    });
    return undefined;
  }
  return value;
}

export function parseCategory(
  value: unknown,
  pointer: string,
  file: string,
  context: ConvertContext,
): CategoryEntry | undefined {
  if (!isRecord(value) || !validId(value.id)) {
    context.messages.error('coco/category', 'a category needs an "id"', {
      file,
      place: pointer,
      expected: 'an object with a numeric "id" and a "name"',
    });
    return undefined;
  }
  const name = typeof value.name === 'string' ? value.name : `category ${value.id}`;
  if (typeof value.name !== 'string') {
    context.messages.warn('coco/category-name', `the category has no name; using "${name}"`, {
      file,
      place: pointer,
    });
  }
  const supercategory = typeof value.supercategory === 'string' ? value.supercategory : undefined;
  const unclassified = value[UNCLASSIFIED_KEY] === true;
  return {
    pointer,
    id: value.id,
    name,
    supercategory,
    unclassified,
    extras: rest(value, CATEGORY_KEYS),
  };
}

/** Slide ids: the file name, with `#<image id>` where two images share one. */
export function slideIds(images: Iterable<ImageEntry>): Map<string, string> {
  const list = [...images];
  const names = list.map((image) => image.fileName ?? `image ${image.id}`);
  const repeated = repeatedValues(names);
  return new Map(
    list.map((image, i) => {
      const name = names[i]!;
      return [String(image.id), repeated.has(name) ? `${name}#${image.id}` : name];
    }),
  );
}

/** Class ids: the category name, with `#<category id>` where two categories share one. */
export function classIds(categories: Iterable<CategoryEntry>): Map<string, string | undefined> {
  const list = [...categories];
  const repeated = repeatedValues(list.map((c) => c.name));
  return new Map(
    list.map((c) => {
      const id = repeated.has(c.name) ? `${c.name}#${c.id}` : c.name;
      return [String(c.id), c.unclassified ? undefined : id];
    }),
  );
}

function repeatedValues(values: string[]): Set<string> {
  const seen = new Set<string>();
  const repeated = new Set<string>();
  for (const value of values) (seen.has(value) ? repeated : seen).add(value);
  return repeated;
}

export function slideRecord(image: ImageEntry, id: string): Slide {
  const slide: Slide = {
    type: 'slide',
    id,
    name: image.fileName ?? id,
    width: image.width ?? null,
    height: image.height ?? null,
    frame: { origin: 'unknown', pixelConvention: 'corner' },
    sourceIds: { coco: image.id },
  };
  const metadata = Object.entries(image.extras).filter(([, v]) => typeof v === 'string');
  if (metadata.length) slide.metadata = Object.fromEntries(metadata) as Record<string, string>;
  if (Object.keys(image.extras).length) slide.extras = { coco: image.extras };
  return slide;
}

export function classRecord(category: CategoryEntry, id: string): AnnotationClass {
  const record: AnnotationClass = {
    type: 'class',
    id,
    name: category.name,
    path: [category.name],
    sourceIds: { coco: category.id },
  };
  if (category.supercategory !== undefined) record.supercategory = category.supercategory;
  if (Object.keys(category.extras).length) record.extras = { coco: category.extras };
  return record;
}

/**
 * The annotators: those listed under `label_annotators` (names, or `{id?, name, kind}`),
 * "expert N" for positions of MIDOG++ `labels` past the list, then any other id a vote names.
 */
export function annotatorRecords(count: number, listed: unknown, voters: Set<string>) {
  const given = Array.isArray(listed) ? listed : [];
  const records = Array.from({ length: Math.max(count, given.length) }, (_, i) =>
    annotatorRecord(given[i], i),
  );
  const repeated = repeatedValues(records.map((r) => r.id));
  records.forEach((r, i) => {
    if (repeated.has(r.id)) r.id = `${r.name}#${i + 1}`;
  });
  const ids = new Set(records.map((r) => r.id));
  for (const id of voters) {
    if (!ids.has(id)) records.push({ type: 'annotator', id, name: id, kind: 'unknown' });
  }
  return records;
}

function annotatorRecord(entry: unknown, index: number): Annotator {
  const fields = (isRecord(entry) ? entry : {}) as { id?: unknown; name?: unknown; kind?: unknown };
  const name = typeof entry === 'string' ? entry : fields.name;
  const label = typeof name === 'string' ? name : defaultAnnotatorName(index);
  const kind = fields.kind;
  const validKind = kind === 'person' || kind === 'model' || kind === 'unknown';
  const id = typeof fields.id === 'string' ? fields.id : label;
  return { type: 'annotator', id, name: label, kind: validKind ? kind : 'unknown' };
}
