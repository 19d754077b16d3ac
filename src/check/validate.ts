import { bounds } from '../geometry/shapes.js';
import type { Message } from '../messages.js';
import type { AnnotationSet } from '../model/collect.js';
import type { AnnotationObject, Slide } from '../model/types.js';
import { droppedRecord } from '../model/validate-record.js';
import type { SlideInfo } from '../slide/info.js';
import { findSlideInfo } from '../slide/match.js';
import { checkGeometry } from './geometry-rules.js';

export interface ValidateOptions {
  /** Slide metadata by slide id or file name; enables the bounds and slide-exists rules. */
  slides?: Map<string, SlideInfo>;
  /** The annotation file, named in every message. */
  file?: string;
  /** Source format id; defaults to the set's first source. Some rules depend on it. */
  format?: string;
  /** Messages from reading the file: records it dropped are not reported a second time. */
  readMessages?: Message[];
}

/** What the reader already reported and left out, so its consequences are not reported. */
interface Dropped {
  slides: Set<string>;
  classes: Set<string>;
  objects: boolean;
}

function droppedBy(messages: Message[] = []): Dropped {
  const dropped: Dropped = { slides: new Set(), classes: new Set(), objects: false };
  for (const m of messages) {
    if (m.ruleId !== 'canonical/schema' && m.ruleId !== 'canonical/json') continue;
    const record = droppedRecord(m.message);
    if (record?.type === 'slide') dropped.slides.add(record.id);
    else if (record?.type === 'class') dropped.classes.add(record.id);
    else if (!record) dropped.objects = true;
  }
  return dropped;
}

/** Every rule slidepack checks, with its severity; `slidepack validate --rules` lists them. */
export const RULES: Record<string, { severity: Message['severity']; describe: string }> = {
  'geometry/non-finite': { severity: 'error', describe: 'a coordinate is NaN or infinite' },
  'geometry/too-few-points': {
    severity: 'error',
    describe: 'fewer distinct points than the shape needs',
  },
  'geometry/zero-area': {
    severity: 'error',
    describe: 'a polygon, rectangle or ellipse with no area',
  },
  'geometry/self-intersection': {
    // A warning, not an error: hand-drawn regions often touch themselves, and every format and
    // rasteriser here still reads them; QuPath 0.6 may refuse them on import.
    severity: 'warning',
    describe: 'polygon edges cross or touch',
  },
  'geometry/unclosed-ring': {
    severity: 'warning',
    describe: 'a GeoJSON ring is not closed (fixable)',
  },
  'geometry/repeated-vertex': {
    severity: 'warning',
    describe: 'a vertex repeats the one before (fixable)',
  },
  'bounds/outside-slide': {
    severity: 'error',
    describe: 'the object lies wholly outside its slide',
  },
  'bounds/partly-outside-slide': {
    severity: 'warning',
    describe: 'the object crosses the slide edge',
  },
  'slide/undeclared': {
    severity: 'error',
    describe: 'an object names a slide the file does not declare',
  },
  'slide/not-found': {
    severity: 'error',
    describe: 'no slide image in --slides for annotated slide',
  },
  'class/unknown': { severity: 'error', describe: 'an object or label names an undeclared class' },
  'class/unused': { severity: 'warning', describe: 'a declared class no object uses' },
  'id/duplicate': { severity: 'error', describe: 'two objects share an id' },
  'object/duplicate': { severity: 'warning', describe: 'same slide, class and geometry twice' },
  'file/empty': { severity: 'error', describe: 'the file has no bytes' },
  'file/unreadable': { severity: 'error', describe: 'no reader accepts the file, or it is broken' },
  'file/no-objects': { severity: 'warning', describe: 'the file holds no annotation objects' },
};

type Add = (
  ruleId: string,
  message: string,
  place?: string,
  severity?: Message['severity'],
) => void;

/** Check an annotation set against every rule; findings are returned, never thrown. */
export function validateSet(set: AnnotationSet, options: ValidateOptions = {}): Message[] {
  const out: Message[] = [];
  const add: Add = (ruleId, message, place, severity = RULES[ruleId]!.severity) => {
    out.push({
      severity,
      ruleId,
      message,
      ...(options.file ? { file: options.file } : {}),
      ...(place ? { place } : {}),
    });
  };
  // A set merged from several files has no one source format to hold its rings to.
  const sources = set.dataset?.sources ?? [];
  const format = options.format ?? (sources.length === 1 ? sources[0]?.format : undefined);

  if (set.objects.length === 0) add('file/no-objects', 'the file holds no annotation objects');
  const dropped = droppedBy(options.readMessages);
  checkObjects(set, format, options.slides, add, dropped);
  checkDuplicates(set.objects, add);
  checkClasses(set, add, dropped);
  if (options.slides) checkSlidesExist(set, options.slides, add);
  return out;
}

function place(object: AnnotationObject): string {
  return `object ${object.id}, slide ${object.slide}`;
}

function checkObjects(
  set: AnnotationSet,
  format: string | undefined,
  slides: Map<string, SlideInfo> | undefined,
  add: Add,
  dropped: Dropped,
): void {
  for (const object of set.objects) {
    const slide = set.slides.get(object.slide);
    // A slide whose record failed the schema was reported there, once.
    if (!slide && !dropped.slides.has(object.slide))
      add('slide/undeclared', `slide "${object.slide}" is not declared`, place(object));
    if (!object.geometry) continue;
    for (const f of checkGeometry(object.geometry, format)) {
      add(f.ruleId, f.message, place(object));
    }
    checkBounds(object, slide, slides, add);
  }
}

/** Slide size from the slide image when known, else from the annotation file. */
function slideSize(slide: Slide | undefined, id: string, slides?: Map<string, SlideInfo>) {
  const info = findSlideInfo(slide ?? { id, name: id }, slides);
  if (info) return { width: info.width, height: info.height };
  if (slide?.width && slide.height) return { width: slide.width, height: slide.height };
  return undefined;
}

function checkBounds(
  object: AnnotationObject,
  slide: Slide | undefined,
  slides: Map<string, SlideInfo> | undefined,
  add: Add,
): void {
  const size = slideSize(slide, object.slide, slides);
  const box = object.geometry ? bounds(object.geometry) : undefined;
  if (!size || !box || ![box.minX, box.minY, box.maxX, box.maxY].every(Number.isFinite)) return;
  const dx = slide?.frame.origin === 'bounds-cropped' ? (slide.frame.boundsX ?? 0) : 0;
  const dy = slide?.frame.origin === 'bounds-cropped' ? (slide.frame.boundsY ?? 0) : 0;
  const [x0, y0, x1, y1] = [box.minX + dx, box.minY + dy, box.maxX + dx, box.maxY + dy];
  const where = `(${x0}, ${y0})–(${x1}, ${y1}) on a ${size.width} × ${size.height} slide`;
  if (x1 < 0 || y1 < 0 || x0 > size.width || y0 > size.height) {
    add('bounds/outside-slide', `the object lies outside the slide: ${where}`, place(object));
  } else if (x0 < 0 || y0 < 0 || x1 > size.width || y1 > size.height) {
    add(
      'bounds/partly-outside-slide',
      `the object crosses the slide edge: ${where}`,
      place(object),
    );
  }
}

function checkDuplicates(objects: AnnotationObject[], add: Add): void {
  const ids = new Map<string, number>();
  const shapes = new Map<string, string>();
  for (const object of objects) {
    ids.set(object.id, (ids.get(object.id) ?? 0) + 1);
    if (ids.get(object.id) === 2)
      add('id/duplicate', `id "${object.id}" is used more than once`, place(object));
    if (!object.geometry) continue;
    const shape = JSON.stringify(object.geometry);
    const key = `${object.slide}\n${object.class ?? ''}\n${object.kind}\n${shape}`;
    const first = shapes.get(key);
    if (first === undefined) shapes.set(key, object.id);
    else add('object/duplicate', `same class and geometry as object ${first}`, place(object));
  }
}

function checkClasses(set: AnnotationSet, add: Add, dropped: Dropped): void {
  const used = new Set<string>();
  const unknown = new Set<string>();
  for (const object of set.objects) {
    const classes = [object.class, ...(object.labels ?? []).map((l) => l.class)];
    for (const id of classes) {
      if (id == null) continue;
      used.add(id);
      if (!set.classes.has(id) && !unknown.has(id) && !dropped.classes.has(id)) {
        unknown.add(id);
        add('class/unknown', `class "${id}" is not declared`, place(object));
      }
    }
  }
  // With objects left out by the reader, a class may be used by one of them.
  if (dropped.objects) return;
  for (const id of set.classes.keys()) {
    if (!used.has(id))
      add('class/unused', `class "${id}" is declared but no object uses it`, `class ${id}`);
  }
}

function checkSlidesExist(set: AnnotationSet, slides: Map<string, SlideInfo>, add: Add): void {
  const annotated = new Set(set.objects.map((o) => o.slide));
  for (const id of annotated) {
    const slide = set.slides.get(id) ?? { id, name: id };
    if (findSlideInfo(slide, slides)) continue;
    add(
      'slide/not-found',
      `no slide image for "${slide.name}" among the given slides`,
      `slide ${id}`,
    );
  }
}
