import type { ConvertContext, ReadInput } from '../../src/converter.js';
import { parseHexColor } from '../../src/model/color.js';
import type {
  AnnotationClass,
  AnnotationObject,
  Geometry,
  RecordStream,
} from '../../src/model/types.js';
import {
  ASAP_TYPES,
  type GeometryEnv,
  asapType,
  placeCoordinates,
  toGeometry,
} from './geometry.js';
import { ASAP_DEFAULT_COLOR } from './format.js';
import { dictionaryRecords, type GroupIndex, indexGroups } from './groups.js';
import { type ExclusionPlan, planExclusions } from './holes.js';
import { type AsapOptions, asapOptions } from './options.js';
import { type RawAnnotation, streamAsap } from './parse.js';

const KNOWN_ATTRIBUTES = new Set(['Name', 'Type', 'PartOfGroup', 'Color']);

/**
 * Read an ASAP XML file. Groups come last in ASAP's files but first in the canonical stream, so
 * a first pass reads the groups (and exclusion regions, when asked for), a second one matches
 * exclusions to regions if there are any, and the last one streams the annotations. Memory holds
 * the groups and exclusion regions, never the whole file.
 */
export async function* readAsap(input: ReadInput, context: ConvertContext): RecordStream {
  const options = asapOptions(context.options);
  const file = input.path;
  const slide = input.slide ?? stem(file);
  const groups = await indexGroups(file, options, context);
  const plan = await planExclusions(file, groups, options, context);

  yield* dictionaryRecords(file, slide, groups, options);
  const builder = new ObjectBuilder(file, slide, groups, plan, options, context);
  for await (const item of streamAsap(file, () => true)) {
    if (item.kind === 'annotation') yield* builder.build(item.value);
  }
}

/** The file name without folder and extension: the slide id of a one-slide file. */
export function stem(path: string): string {
  const base = path.split(/[\\/]/).pop() ?? path;
  return base.replace(/\.[^.]+$/, '');
}

class ObjectBuilder {
  private readonly env: GeometryEnv;
  private readonly classesSent = new Set<string>();
  /** Ids count the annotations that become objects, so holes written anywhere keep them. */
  private count = 0;

  constructor(
    private readonly file: string,
    private readonly slide: string,
    private readonly groups: GroupIndex,
    private readonly plan: ExclusionPlan,
    private readonly options: AsapOptions,
    private readonly context: ConvertContext,
  ) {
    this.env = {
      file,
      messages: context.messages,
      repairComma: options.repairComma,
      onDecimalComma: (raw) => context.loss?.add('DECIMAL_COMMA_REPAIRED', `a${raw.index}`),
    };
  }

  /** The records for one annotation: a class sent on first use, then the object. */
  *build(raw: RawAnnotation): Generator<AnnotationObject | AnnotationClass> {
    const group = this.checkGroup(raw);
    const type = asapType(raw.attributes.Type);
    if (!type) return this.unknownType(raw);
    if (this.plan.absorbed.has(raw.index)) return;

    const points = placeCoordinates(raw, this.env);
    const geometry = points && toGeometry(raw, type, points, this.env);
    if (!geometry || group === false) return;

    const object = this.object(raw, this.count++, type, geometry, group);
    const className = this.options.classFrom === 'name' ? raw.attributes.Name : group;
    if (className) {
      object.class = className;
      if (this.options.classFrom === 'name' && !this.classesSent.has(className)) {
        this.classesSent.add(className);
        yield { type: 'class', id: className, name: className, path: [className] };
      }
    }
    yield this.plan.apply(object, raw.index, this.context);
  }

  private unknownType(raw: RawAnnotation): void {
    this.context.messages.warn(
      'asap/unknown-type',
      `Type "${raw.attributes.Type ?? ''}" is not an ASAP annotation type; ASAP would load it ` +
        'as "None" and draw nothing. The annotation was skipped',
      { file: this.file, place: `line ${raw.line}`, expected: ASAP_TYPES.join(', ') },
    );
  }

  /** The group name, undefined for none, or false when the file does not define it (an error). */
  private checkGroup(raw: RawAnnotation): string | undefined | false {
    const name = raw.attributes.PartOfGroup;
    if (name === undefined || name === 'None') return undefined;
    if (this.groups.byName.has(name)) return name;
    this.context.messages.error(
      'asap/undefined-group',
      `the annotation belongs to group "${name}", which AnnotationGroups does not define; ` +
        'ASAP itself would discard the whole file when opening it',
      { file: this.file, place: `line ${raw.line}`, expected: 'a Group for every PartOfGroup' },
    );
    return false;
  }

  private object(
    raw: RawAnnotation,
    n: number,
    type: string,
    geometry: Geometry,
    group: string | undefined,
  ): AnnotationObject {
    const a = raw.attributes;
    const object: AnnotationObject = {
      type: 'object',
      id: `a${n}`,
      slide: this.slide,
      kind: 'annotation',
      geometry,
      sourceIds: { 'asap-xml': raw.index },
    };
    if (a.Name) object.name = a.Name;
    if (group !== undefined) object.group = group;
    if (group !== undefined && this.options.exclusionGroups.has(group)) {
      object.flags = { negative: true };
    }
    const extras = annotationExtras(raw, type, geometry);
    const color = parseHexColor(a.Color ?? '');
    // ASAP's default is no chosen colour (a grouped annotation with it is drawn in the group's).
    const isDefault = a.Color?.toUpperCase() === ASAP_DEFAULT_COLOR;
    if (color && !isDefault) object.color = color;
    // Kept unless it is the default exactly as the writer spells it where none is known.
    else if (a.Color !== undefined && a.Color !== ASAP_DEFAULT_COLOR) extras.color = a.Color;
    if (Object.keys(extras).length > 0) object.extras = { 'asap-xml': extras };
    return object;
  }
}

/** Attributes and spellings the canonical object has no place for, so a writer can repeat them. */
function annotationExtras(raw: RawAnnotation, type: string, geometry: Geometry) {
  const extras: Record<string, unknown> = {};
  const unknown = Object.entries(raw.attributes).filter(([k]) => !KNOWN_ATTRIBUTES.has(k));
  if (unknown.length > 0) extras.attributes = Object.fromEntries(unknown);
  if (raw.attributes.Type !== type || TYPE_OF[geometry.type] !== type) {
    extras.type = raw.attributes.Type;
  }
  if (raw.tag !== 'Annotation') extras.tag = raw.tag;
  return extras;
}

/** The ASAP type the writer picks for each geometry. */
export const TYPE_OF: Record<Geometry['type'], string> = {
  point: 'Dot',
  multipoint: 'PointSet',
  line: 'Measurement',
  polygon: 'Polygon',
  multipolygon: 'Polygon',
  rectangle: 'Rectangle',
  ellipse: 'Polygon',
  spline: 'Spline',
  mask: 'Polygon',
};
