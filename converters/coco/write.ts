import { join } from 'node:path';
import type { RecordWriter, WriteContext, WriteTarget } from '../../src/converter.js';
import { UsageError } from '../../src/errors.js';
import type {
  AnnotationClass,
  AnnotationObject,
  Annotator,
  CanonicalRecord,
  DatasetHeader,
  Slide,
} from '../../src/model/types.js';
import { UNCLASSIFIED_KEY } from './dictionaries.js';
import { type AnnotationEntry, CocoDocument } from './document.js';
import { encodeGeometry } from './encode.js';
import { imagesJson, sizeOf } from './images.js';
import {
  annotatorEntry,
  encodeLabels,
  isDefaultAnnotator,
  LABEL_ANNOTATORS_KEY,
} from './labels.js';
import { reportFieldLosses } from './losses.js';
import { type WriteOptions, writeOptions } from './options.js';

const UNCLASSIFIED = '\u0000unclassified';
const RESERVED = new Set(['annotations', 'images', 'categories', LABEL_ANNOTATORS_KEY]);

/** Write COCO JSON: one file, or with `--split-files` one file per slide split in a folder. */
export async function createCocoWriter(
  target: WriteTarget,
  context: WriteContext,
): Promise<RecordWriter> {
  const options = writeOptions(context.options);
  if (options.splitFiles && target.path === '-') {
    throw new UsageError('--split-files writes one file per split; give a folder with -o');
  }
  return new CocoWriter(target.path, options, context);
}

class CocoWriter implements RecordWriter {
  private header: DatasetHeader | undefined;
  private readonly slides = new Map<string, Slide>();
  private readonly classes = new Map<string, AnnotationClass>();
  /** Class id → category id, 1… in the order classes arrive; shared by every split file. */
  private readonly categoryIds = new Map<string, number>();
  /** Every annotator by id, in the order they arrive. */
  private readonly annotators = new Map<string, Annotator>();
  /** All annotators so far are MIDOG++'s unnamed experts, so positional `labels` can hold them. */
  private defaultExperts = true;
  private votesWritten = false;
  private readonly documents = new Map<string, Promise<CocoDocument>>();

  constructor(
    private readonly path: string,
    private readonly options: WriteOptions,
    private readonly context: WriteContext,
  ) {}

  async write(record: CanonicalRecord): Promise<void> {
    switch (record.type) {
      case 'dataset':
        this.header = record;
        return;
      case 'slide':
        this.slides.set(record.id, record);
        (await this.documentFor(record)).image(record.id, record);
        return;
      case 'class':
        this.classes.set(record.id, record);
        this.categoryId(record.id);
        return;
      case 'annotator':
        this.annotator(record);
        return;
      case 'object':
        return this.object(record);
    }
  }

  async end(): Promise<void> {
    if (this.documents.size === 0 && !this.options.splitFiles) await this.documentFor(undefined);
    for (const document of this.documents.values()) {
      const doc = await document;
      await doc.finish(this.members(doc));
    }
  }

  async abort(): Promise<void> {
    for (const document of this.documents.values()) await (await document).abort();
  }

  private async object(object: AnnotationObject): Promise<void> {
    const slide = this.slides.get(object.slide);
    const size = sizeOf(slide) ?? this.options.imageSize;
    const shapes = encodeGeometry(object, size, this.options, this.context.loss);
    if (shapes.length === 0) return;
    const objectClass = object.class === undefined ? undefined : this.classes.get(object.class);
    reportFieldLosses(object, objectClass, this.context.loss);
    const document = await this.documentFor(slide);
    for (const shape of shapes) {
      await document.annotation(object.slide, { ...shape, ...this.fields(object) });
    }
    this.context.loss.objectsWritten += 1;
  }

  private fields(object: AnnotationObject): Omit<AnnotationEntry, 'bbox' | 'area'> {
    if (object.class === undefined) {
      this.context.loss.add('UNCLASSIFIED_CATEGORY', object.id, { category: 'unclassified' });
    }
    const entry: Omit<AnnotationEntry, 'bbox' | 'area'> = {
      category_id: this.categoryId(object.class ?? UNCLASSIFIED),
      iscrowd: object.flags?.crowd ? 1 : 0,
    };
    if (object.score !== undefined) entry.score = object.score;
    for (const label of object.labels ?? []) {
      if (!this.annotators.has(label.annotator)) this.annotator(undeclared(label.annotator));
    }
    const ids = [...this.annotators.keys()];
    const encoded = encodeLabels(object.labels, ids, this.defaultExperts, (classId) =>
      this.categoryId(classId),
    );
    if ('label_votes' in encoded) this.votesWritten = true;
    Object.assign(entry, encoded);
    const extras = object.extras?.coco as Record<string, unknown> | undefined;
    if (extras) entry.extras = extras;
    return entry;
  }

  private categoryId(classId: string): number {
    let id = this.categoryIds.get(classId);
    if (id === undefined) {
      id = this.categoryIds.size + 1;
      this.categoryIds.set(classId, id);
    }
    return id;
  }

  private annotator(record: Annotator): void {
    if (this.annotators.has(record.id)) return;
    this.defaultExperts &&= isDefaultAnnotator(record, this.annotators.size);
    this.annotators.set(record.id, record);
  }

  /** The file a slide's annotations go to: the only one, or its split's. */
  private documentFor(slide: Slide | undefined): Promise<CocoDocument> {
    const split = this.options.splitFiles ? splitName(slide) : '';
    let document = this.documents.get(split);
    if (!document) {
      const path = this.options.splitFiles ? join(this.path, `${split}.json`) : this.path;
      document = CocoDocument.open(path);
      this.documents.set(split, document);
    }
    return document;
  }

  private members(document: CocoDocument): Record<string, unknown> {
    const { imageSize } = this.options;
    const images = imagesJson(document.imageStates(), document.path, imageSize, this.context);
    const members: Record<string, unknown> = { images, categories: this.categories() };
    const source = (this.header?.extras?.coco ?? {}) as Record<string, unknown>;
    for (const [key, value] of Object.entries(source)) {
      if (!RESERVED.has(key)) members[key] = value;
    }
    if (!('info' in members) && this.header?.name) members.info = { description: this.header.name };
    if (this.annotators.size > 0 && (!this.defaultExperts || this.votesWritten)) {
      members[LABEL_ANNOTATORS_KEY] = [...this.annotators.values()].map(annotatorEntry);
    }
    return members;
  }

  private categories(): Record<string, unknown>[] {
    return [...this.categoryIds].map(([classId, id]) => {
      if (classId === UNCLASSIFIED) return { id, name: 'unclassified', [UNCLASSIFIED_KEY]: true };
      const record = this.classes.get(classId);
      const name = record
        ? record.path.length > 1
          ? record.path.join(': ')
          : record.name
        : classId;
      const extras = (record?.extras?.coco ?? {}) as Record<string, unknown>;
      const category: Record<string, unknown> = { ...extras, id, name };
      if (record?.supercategory !== undefined) category.supercategory = record.supercategory;
      return category;
    });
  }
}

/** An annotator a label names without an annotator record. */
function undeclared(id: string): Annotator {
  return { type: 'annotator', id, name: id, kind: 'unknown' };
}

function splitName(slide: Slide | undefined): string {
  const split = slide?.split?.trim();
  if (!split) return 'unassigned';
  return split.replace(/[^\w.-]+/g, '_');
}
