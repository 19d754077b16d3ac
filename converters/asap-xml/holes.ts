import type { ConvertContext } from '../../src/converter.js';
import { type Exclusion, HoleMatcher } from '../../src/geometry/holes.js';
import { Messages } from '../../src/messages.js';
import type { AnnotationObject, Ring } from '../../src/model/types.js';
import { type GeometryEnv, SPLINE_SAMPLES, outerRing, rawGeometry } from './geometry.js';
import type { GroupIndex } from './groups.js';
import type { AsapOptions } from './options.js';
import { type RawAnnotation, streamAsap } from './parse.js';

/**
 * ASAP has no holes: CAMELYON-style files draw exclusions as separate annotations in their own
 * group. With `--exclusion-group`, an exclusion whose vertices all lie inside a region becomes a
 * hole of the smallest such region; exclusions inside no region stay separate objects, flagged
 * `negative`. Both outcomes are noted in the loss report.
 */
export interface ExclusionPlan {
  /** Annotation indexes that became holes and are not objects of their own. */
  absorbed: Set<number>;
  apply(object: AnnotationObject, index: number, context: ConvertContext): AnnotationObject;
}

interface Hole {
  index: number;
  name: string | undefined;
  color: string | undefined;
  ring: Ring;
  spline: boolean;
}

const NOTHING: ExclusionPlan = { absorbed: new Set(), apply: (object) => object };

/** Second pass (only when exclusion regions exist): find the container of every exclusion. */
export async function planExclusions(
  file: string,
  index: GroupIndex,
  options: AsapOptions,
  context: ConvertContext,
): Promise<ExclusionPlan> {
  if (index.exclusions.length === 0) return NOTHING;
  const quiet = { file, messages: new Messages(), repairComma: options.repairComma };
  const exclusions: Exclusion<Hole>[] = [];
  for (const raw of index.exclusions) {
    const hole = holeOf(raw, quiet);
    if (hole) exclusions.push({ key: hole, ring: hole.ring });
  }
  index.exclusions.length = 0; // their rings are all that is needed from here on
  const matcher = new HoleMatcher<Hole, number>(exclusions);
  const isRegion = (a: Record<string, string>) => !options.exclusionGroups.has(a.PartOfGroup ?? '');
  for await (const item of streamAsap(file, isRegion)) {
    if (item.kind !== 'annotation' || !isRegion(item.value.attributes)) continue;
    const geometry = rawGeometry(item.value, quiet);
    const ring = geometry && outerRing(geometry);
    if (ring) matcher.offer(item.value.index, ring);
  }
  return planFrom(matcher.assignments(), context);
}

function holeOf(raw: RawAnnotation, env: GeometryEnv): Hole | undefined {
  const geometry = rawGeometry(raw, env);
  const ring = geometry && outerRing(geometry);
  if (!ring || ring.length < 3) return undefined;
  const { Name: name, Color: color } = raw.attributes;
  return { index: raw.index, name, color, ring, spline: geometry.type === 'spline' };
}

function planFrom(assigned: Map<number, Exclusion<Hole>[]>, context: ConvertContext) {
  const absorbed = new Set<number>();
  for (const holes of assigned.values()) for (const h of holes) absorbed.add(h.key.index);
  const plan: ExclusionPlan = {
    absorbed,
    apply(object, index) {
      const holes = assigned.get(index)?.map((h) => h.key);
      if (holes) return withHoles(object, holes, context);
      if (object.flags?.negative) context.loss?.add('EXCLUSIONS_UNMATCHED', object.id);
      return object;
    },
  };
  return plan;
}

/** The region as a polygon with the exclusions as its holes. */
export function withHoles(
  object: AnnotationObject,
  holes: Hole[],
  context: ConvertContext,
): AnnotationObject {
  const geometry = object.geometry!;
  const outer = outerRing(geometry)!;
  if (geometry.type === 'spline') {
    context.loss?.add('SPLINE_DENSIFIED', object.id, { samplesPerSegment: SPLINE_SAMPLES });
  }
  if (geometry.type === 'rectangle') context.loss?.add('RECTANGLE_POLYGONISED', object.id);
  for (const hole of holes) {
    context.loss?.add('EXCLUSIONS_TO_HOLES', `a${hole.index}`);
    if (hole.spline) {
      context.loss?.add('SPLINE_DENSIFIED', `a${hole.index}`, {
        samplesPerSegment: SPLINE_SAMPLES,
      });
    }
  }
  // The source type no longer describes the shape: a spline or rectangle is now a polygon.
  const { type: _type, ...extras } = { ...(object.extras?.['asap-xml'] as object | undefined) } as {
    type?: string;
  };
  const names = holes.map((h) => h.name ?? '');
  // Each hole's own Color text, so it is written back as it was ('' for none).
  const colors = holes.some((h) => h.color !== undefined)
    ? { holeColors: holes.map((h) => h.color ?? '') }
    : {};
  const closed = geometry.type === 'polygon' && geometry.closed ? { closed: true } : {};
  const copy: AnnotationObject = {
    ...object,
    geometry: { type: 'polygon', rings: [outer, ...holes.map((h) => h.ring)], ...closed },
    extras: { ...object.extras, 'asap-xml': { ...extras, holeNames: names, ...colors } },
  };
  return copy;
}
