import type { ConvertContext } from '../../src/converter.js';
import { InputError } from '../../src/errors.js';
import { scanJsonFile } from '../../src/io/json-stream.js';
import { type BoxStats, emptyBoxStats, surveyBox } from './bbox-format.js';
import { parseCategory, parseImage, type CategoryEntry, type ImageEntry } from './dictionaries.js';
import { IdIndex } from './id-index.js';
import { LABEL_VOTES_KEY } from './labels.js';

/**
 * Pass 1 over a COCO file: everything except the objects themselves. Images, categories, info
 * and licenses are kept (they are small); annotations are parsed one at a time only to check
 * their ids, measure their boxes for the corner-box rule and count per-expert labels.
 */
export interface Survey {
  images: Map<string, ImageEntry>;
  categories: Map<string, CategoryEntry>;
  /** Top-level members other than the three arrays, verbatim (info, licenses, …). */
  members: Record<string, unknown>;
  /** Every top-level key present, so pass 2 can skip all but `annotations`. */
  keys: Set<string>;
  annotationCount: number;
  /** Longest MIDOG++-style `labels` array. */
  maxLabels: number;
  /** Annotator ids named by `label_votes`. */
  voters: Set<string>;
  boxes: BoxStats;
  /** Positions of annotations that pass 2 leaves out: repeated or missing ids. */
  skip: Set<number>;
}

const REQUIRED = ['images', 'annotations', 'categories'] as const;

export async function surveyFile(path: string, context: ConvertContext): Promise<Survey> {
  const survey: Survey = {
    images: new Map(),
    categories: new Map(),
    members: {},
    keys: new Set(),
    annotationCount: 0,
    maxLabels: 0,
    voters: new Set(),
    boxes: emptyBoxStats(),
    skip: new Set(),
  };
  const ids = new IdIndex();
  const splitKeys = new Set(['images', 'categories', 'annotations']);
  for await (const event of scanJsonFile(path, { splitKeys, file: path })) {
    if (event.kind === 'root' && event.type !== 'object') throw notCoco(path, event.type);
    if (event.kind === 'root') continue;
    survey.keys.add(event.key);
    if (event.kind === 'member') {
      survey.members[event.key] = parse(event.text, `/${event.key}`, path);
      continue;
    }
    const pointer = `/${event.key}/${event.index}`;
    const value = parse(event.text, pointer, path);
    if (event.key === 'images') {
      const image = parseImage(value, pointer, path, context);
      addEntry(survey.images, image, 'image', path, context);
    } else if (event.key === 'categories') {
      const category = parseCategory(value, pointer, path, context);
      addEntry(survey.categories, category, 'category', path, context);
    } else surveyAnnotation(survey, ids, value, pointer, path, context);
  }
  await findUnsplit(survey, path);
  for (const [id, first, again] of ids.duplicates()) {
    survey.skip.add(again);
    const [a, b] = [`/annotations/${first}`, `/annotations/${again}`];
    duplicate(context, 'annotation', String(id), a, b, path);
  }
  return survey;
}

function notCoco(path: string, type: string): InputError {
  const hint = type === 'array' ? ' (a bare list looks like a COCO results file)' : '';
  return new InputError(
    `not a COCO file: the root is a JSON ${type}${hint}; ` +
      'expected an object with "images", "annotations" and "categories"',
    path,
    '/',
  );
}

/**
 * The scanner yields nothing for an empty array (or a value that is no array) under a split
 * key, so a required key not seen in pass 1 is looked up once more, skipping everything seen.
 * An empty `annotations` or `categories` array is valid COCO (slidepack writes such files).
 */
async function findUnsplit(survey: Survey, path: string): Promise<void> {
  if (REQUIRED.every((key) => survey.keys.has(key))) return;
  const values: Record<string, unknown> = {};
  const options = { splitKeys: new Set<string>(), skipKeys: survey.keys, file: path };
  for await (const event of scanJsonFile(path, options)) {
    if (event.kind === 'member') values[event.key] = parse(event.text, `/${event.key}`, path);
  }
  for (const key of REQUIRED) {
    if (!(key in values)) continue;
    if (!Array.isArray(values[key])) {
      throw new InputError(`not a COCO file: "${key}" is not an array`, path, `/${key}`);
    }
    survey.keys.add(key);
  }
  checkRequired(survey, path);
}

function checkRequired(survey: Survey, path: string): void {
  const missing = REQUIRED.filter((key) => !survey.keys.has(key));
  if (missing.length === 0) return;
  throw new InputError(
    `not a COCO file: no ${missing.map((k) => `"${k}"`).join(', ')} member` +
      `${missing.length > 1 ? 's' : ''}; expected an object with "images", "annotations" ` +
      'and "categories" arrays',
    path,
    '/',
  );
}

/** Parse one cut-out value; malformed text is a tool-stopping input error. */
export function parse(text: string, pointer: string, path: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new InputError(`malformed JSON: ${(e as Error).message}`, path, pointer);
  }
}

/** Keep an image or category under its id; a second one with the same id is an error. */
function addEntry<T extends { id: number | string; pointer: string }>(
  entries: Map<string, T>,
  entry: T | undefined,
  what: 'image' | 'category',
  path: string,
  context: ConvertContext,
): void {
  if (!entry) return;
  const key = String(entry.id);
  const first = entries.get(key);
  if (first) duplicate(context, what, key, first.pointer, entry.pointer, path);
  else entries.set(key, entry);
}

function surveyAnnotation(
  survey: Survey,
  ids: IdIndex,
  value: unknown,
  pointer: string,
  path: string,
  context: ConvertContext,
): void {
  survey.annotationCount += 1;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    survey.skip.add(survey.annotationCount - 1);
    context.messages.error('coco/annotation', 'an annotation must be an object', {
      file: path,
      place: pointer,
    });
    return;
  }
  const a = value as Record<string, unknown>;
  if (typeof a.id === 'number' && Number.isFinite(a.id)) ids.add(a.id, survey.annotationCount - 1);
  else {
    survey.skip.add(survey.annotationCount - 1);
    context.messages.error('coco/annotation-id', 'the annotation has no numeric "id"', {
      file: path,
      place: `${pointer}/id`,
      expected: 'a number, unique among annotations',
      actual: JSON.stringify(a.id) ?? 'nothing',
    });
  }
  if (Array.isArray(a.labels)) survey.maxLabels = Math.max(survey.maxLabels, a.labels.length);
  if (Array.isArray(a[LABEL_VOTES_KEY])) addVoters(survey.voters, a[LABEL_VOTES_KEY]);
  surveyBox(survey.boxes, a.bbox, a.image_id);
}

function addVoters(voters: Set<string>, votes: unknown[]): void {
  for (const vote of votes) {
    const annotator = (vote as { annotator?: unknown } | null)?.annotator;
    if (typeof annotator === 'string') voters.add(annotator);
  }
}

function duplicate(
  context: ConvertContext,
  what: string,
  id: string,
  first: string,
  again: string,
  path: string,
): void {
  context.messages.error(
    `coco/duplicate-${what}-id`,
    `duplicate ${what} id ${id}: used at ${first} and again at ${again}`,
    { file: path, place: again, expected: `${what} ids unique` },
  );
}
