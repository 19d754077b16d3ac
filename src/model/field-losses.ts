import type { LossReport } from '../loss.js';
import type { AnnotationObject } from './types.js';

/** Which object fields a target can hold; every field it cannot is reported when present. */
export interface FieldSupport {
  /** The target's own format id: its extras are not a loss. */
  format: string;
  kinds?: boolean;
  nucleus?: boolean;
  measurements?: boolean;
  metadata?: boolean;
  /** Flags the target keeps (others are reported as FLAGS_DROPPED). */
  flags?: readonly string[];
  plane?: boolean;
  hierarchy?: boolean;
  labels?: boolean;
  score?: boolean;
  timestamps?: boolean;
  color?: boolean;
  group?: boolean;
  hierarchicalClasses?: boolean;
}

/**
 * Report every field of `object` that a target with `support` cannot write. Geometry losses are
 * the writer's own business; this covers the rest, so writers report the same codes alike.
 */
export function reportFieldLosses(
  object: AnnotationObject,
  classPath: readonly string[] | undefined,
  support: FieldSupport,
  loss: LossReport,
): void {
  const id = object.id;
  const lost = (code: Parameters<LossReport['add']>[0], present: unknown, held?: boolean) => {
    if (present && !held) loss.add(code, id);
  };
  lost('KIND_LOST', object.kind !== 'annotation', support.kinds);
  lost('NUCLEUS_DROPPED', object.nucleus, support.nucleus);
  lost('MEASUREMENTS_DROPPED', nonEmpty(object.measurements), support.measurements);
  lost('METADATA_DROPPED', nonEmpty(object.metadata) || object.description, support.metadata);
  lost('FLAGS_DROPPED', droppedFlags(object, support.flags ?? []));
  lost('PLANE_DROPPED', object.plane && nonEmpty(object.plane), support.plane);
  lost('HIERARCHY_DROPPED', object.parent, support.hierarchy);
  lost('ANNOTATOR_LABELS_FLATTENED', object.labels?.length, support.labels);
  lost('SCORE_DROPPED', object.score !== undefined, support.score);
  lost('TIMESTAMP_DROPPED', object.created ?? object.modified, support.timestamps);
  lost('COLOR_DROPPED', object.color, support.color);
  lost('GROUP_DROPPED', object.group, support.group);
  lost('CLASS_PATH_FLATTENED', (classPath?.length ?? 0) > 1, support.hierarchicalClasses);
  const foreign = Object.keys(object.extras ?? {}).some((key) => key !== support.format);
  lost('EXTRAS_DROPPED', foreign);
}

function nonEmpty(value: object | undefined): boolean {
  return value !== undefined && Object.keys(value).length > 0;
}

function droppedFlags(object: AnnotationObject, kept: readonly string[]): boolean {
  const flags = object.flags ?? {};
  return Object.entries(flags).some(
    ([name, value]) => value !== undefined && value !== false && !kept.includes(name),
  );
}
