import type { LossReport } from '../../src/loss.js';
import type { AnnotationClass, AnnotationObject } from '../../src/model/types.js';

const KEPT_FLAGS = new Set(['crowd']);

/** Report every field of an object that a COCO annotation has no place for. */
export function reportFieldLosses(
  object: AnnotationObject,
  objectClass: AnnotationClass | undefined,
  loss: LossReport,
): void {
  const id = object.id;
  if (object.nucleus) loss.add('NUCLEUS_DROPPED', id);
  if (object.kind !== 'annotation') loss.add('KIND_LOST', id, { kind: object.kind });
  if (object.name) loss.add('NAME_DROPPED', id);
  if (object.description || hasKeys(object.metadata)) loss.add('METADATA_DROPPED', id);
  if (object.color) loss.add('COLOR_DROPPED', id);
  if (hasKeys(object.measurements)) loss.add('MEASUREMENTS_DROPPED', id);
  const flags = Object.entries(object.flags ?? {}).filter(([k, v]) => !KEPT_FLAGS.has(k) && v);
  if (flags.length) loss.add('FLAGS_DROPPED', id);
  if (object.created !== undefined || object.modified !== undefined) {
    loss.add('TIMESTAMP_DROPPED', id);
  }
  if (object.parent) loss.add('HIERARCHY_DROPPED', id);
  if (object.group) loss.add('GROUP_DROPPED', id);
  if (object.plane && Object.keys(object.plane).length) loss.add('PLANE_DROPPED', id);
  if (objectClass && objectClass.path.length > 1) loss.add('CLASS_PATH_FLATTENED', id);
  const foreign = Object.keys(object.extras ?? {}).filter((format) => format !== 'coco');
  if (foreign.length) loss.add('EXTRAS_DROPPED', id, { formats: foreign });
}

function hasKeys(value: object | undefined): boolean {
  return value !== undefined && Object.keys(value).length > 0;
}
