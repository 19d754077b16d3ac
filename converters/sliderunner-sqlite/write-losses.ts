import type { LossReport } from '../../src/loss.js';
import type { AnnotationObject } from '../../src/model/types.js';
import { FORMAT_ID } from './conventions.js';

/** Kinds SlideRunner stores: spots, special spots, whole-image labels and drawn shapes. */
const STORED_KINDS = new Set(['annotation', 'specialSpot', 'imageLabel']);

/** Flags SlideRunner has columns for. */
const STORED_FLAGS = new Set(['deleted', 'clickable']);

/** Report each member of an object that a SlideRunner annotation has no column for. */
export function reportFieldLosses(o: AnnotationObject, loss: LossReport): void {
  const id = o.id;
  if (o.name !== undefined) loss.add('NAME_DROPPED', id);
  if (o.color) loss.add('COLOR_DROPPED', id);
  if (o.measurements && Object.keys(o.measurements).length) loss.add('MEASUREMENTS_DROPPED', id);
  if (o.metadata && Object.keys(o.metadata).length) loss.add('METADATA_DROPPED', id);
  if (o.score !== undefined) loss.add('SCORE_DROPPED', id);
  if (o.parent !== undefined) loss.add('HIERARCHY_DROPPED', id);
  if (o.group !== undefined) loss.add('GROUP_DROPPED', id);
  if (o.nucleus) loss.add('NUCLEUS_DROPPED', id);
  if (o.created !== undefined) loss.add('TIMESTAMP_DROPPED', id);
  if (o.plane?.t || o.plane?.c) loss.add('PLANE_DROPPED', id);
  if (!kindKept(o)) loss.add('KIND_LOST', id, { kind: o.kind });
  if (Object.entries(o.flags ?? {}).some(([k, v]) => v && !STORED_FLAGS.has(k))) {
    loss.add('FLAGS_DROPPED', id);
  }
  if (Object.keys(o.extras ?? {}).some((k) => k !== FORMAT_ID)) loss.add('EXTRAS_DROPPED', id);
}

/** Whether reading the written annotation back gives the same kind. */
function kindKept(o: AnnotationObject): boolean {
  if (!STORED_KINDS.has(o.kind)) return false;
  if (o.kind === 'imageLabel') return o.geometry === null;
  if (o.kind === 'specialSpot')
    return o.geometry?.type === 'point' || o.geometry?.type === 'multipoint';
  return o.geometry !== null;
}
