import type {
  AnnotationClass,
  AnnotationObject,
  Annotator,
  DatasetHeader,
  Group,
  RecordStream,
  Slide,
} from './types.js';

/** A whole data set in memory: for tests, small files and checks that need every object. */
export interface AnnotationSet {
  dataset?: DatasetHeader;
  slides: Map<string, Slide>;
  classes: Map<string, AnnotationClass>;
  annotators: Map<string, Annotator>;
  groups: Map<string, Group>;
  objects: AnnotationObject[];
}

export function emptySet(): AnnotationSet {
  return {
    slides: new Map(),
    classes: new Map(),
    annotators: new Map(),
    groups: new Map(),
    objects: [],
  };
}

export async function collect(stream: RecordStream): Promise<AnnotationSet> {
  const set = emptySet();
  for await (const record of stream) {
    switch (record.type) {
      case 'dataset':
        set.dataset = record;
        break;
      case 'slide':
        set.slides.set(record.id, record);
        break;
      case 'class':
        set.classes.set(record.id, record);
        break;
      case 'annotator':
        set.annotators.set(record.id, record);
        break;
      case 'group':
        set.groups.set(record.id, record);
        break;
      case 'object':
        set.objects.push(record);
        break;
    }
  }
  return set;
}

/** The set as a record stream again, dictionaries first. */
export async function* streamSet(set: AnnotationSet): RecordStream {
  if (set.dataset) yield set.dataset;
  yield* set.slides.values();
  yield* set.classes.values();
  yield* set.annotators.values();
  yield* set.groups.values();
  yield* set.objects;
}
