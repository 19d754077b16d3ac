import type { ConvertContext, ReadInput } from '../../src/converter.js';
import { scanJsonFile } from '../../src/io/json-stream.js';
import type { DatasetHeader, RecordStream } from '../../src/model/types.js';
import { type AnnotationScope, parseAnnotation, skipAnnotation } from './annotation.js';
import { decideBboxFormat } from './bbox-format.js';
import { reportDecision } from './bbox-report.js';
import { annotatorRecords, classIds, classRecord, slideIds, slideRecord } from './dictionaries.js';
import { LABEL_ANNOTATORS_KEY } from './labels.js';
import { parse, type Survey, surveyFile } from './survey.js';

/**
 * Read COCO JSON in two passes so memory stays bounded: pass 1 keeps the small members
 * (images, categories, info, licenses) and measures the annotations; pass 2 streams the
 * annotations one at a time as canonical objects.
 */
export async function* readCoco(input: ReadInput, context: ConvertContext): RecordStream {
  const survey = await surveyFile(input.path, context);
  const decision = decideBboxFormat(survey.boxes, survey.images, bboxOption(context));
  reportDecision(decision, survey, input.path, context);

  const slides = slideIds(survey.images.values());
  const classes = classIds(survey.categories.values());
  const listed = survey.members[LABEL_ANNOTATORS_KEY];
  const annotators = annotatorRecords(survey.maxLabels, listed, survey.voters);
  yield header(input.path, survey);
  for (const image of survey.images.values()) {
    yield slideRecord(image, slides.get(String(image.id))!);
  }
  for (const category of survey.categories.values()) {
    const id = classes.get(String(category.id));
    if (id !== undefined) yield classRecord(category, id);
  }
  yield* annotators;

  const scope: AnnotationScope = {
    file: input.path,
    context,
    images: survey.images,
    slideIds: slides,
    classIds: classes,
    annotators: annotators.map((a) => a.id),
    bboxFormat: decision.format,
    bboxParams: decision.params,
    boxesAsPoints: context.options['boxes-as-points'] === true,
    emptyBoxes: { count: 0, places: [] },
  };
  if (survey.annotationCount > 0) yield* streamAnnotations(input.path, survey, scope);
  warnEmptyBoxes(scope);
}

function bboxOption(context: ConvertContext): string | undefined {
  const value = context.options['bbox-format'];
  return typeof value === 'string' ? value : undefined;
}

async function* streamAnnotations(path: string, survey: Survey, scope: AnnotationScope) {
  const skipKeys = new Set([...survey.keys].filter((key) => key !== 'annotations'));
  const splitKeys = new Set(['annotations']);
  for await (const event of scanJsonFile(path, { splitKeys, skipKeys, file: path })) {
    if (event.kind !== 'item') continue;
    const pointer = `/annotations/${event.index}`;
    if (survey.skip.has(event.index)) {
      skipAnnotation(pointer, scope);
      continue;
    }
    const object = parseAnnotation(parse(event.text, pointer, path), pointer, scope);
    if (object) yield object;
  }
}

/** Zero-size boxes are kept (a point export may write them) but said once, with places. */
function warnEmptyBoxes(scope: AnnotationScope): void {
  const { count, places } = scope.emptyBoxes;
  if (count === 0) return;
  const more = count > places.length ? ` and ${count - places.length} more` : '';
  const what =
    count === 1
      ? 'the bbox has zero width or height, so no area; kept as a zero-size box'
      : `${count} bboxes have zero width or height, so no area (${places.join(', ')}${more}); ` +
        'kept as zero-size boxes';
  scope.context.messages.warn(
    'coco/empty-bbox',
    `${what} (--boxes-as-points reads boxes as their centre points)`,
    { file: scope.file, place: places[0]!, expected: 'a width and height > 0' },
  );
}

function header(path: string, survey: Survey): DatasetHeader {
  const record: DatasetHeader = {
    type: 'dataset',
    schema: 'slidepack.canonical/1',
    sources: [{ format: 'coco', file: path }],
  };
  const info = survey.members.info as { description?: unknown } | undefined;
  if (typeof info?.description === 'string') record.name = info.description;
  const members = Object.entries(survey.members).filter(([k]) => k !== LABEL_ANNOTATORS_KEY);
  if (members.length) record.extras = { coco: Object.fromEntries(members) };
  return record;
}
