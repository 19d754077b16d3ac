import type { ConvertContext, Converter } from '../converter.js';
import { LossReport } from '../loss.js';
import type { Message } from '../messages.js';
import { type AnnotationSet, streamSet } from '../model/collect.js';
import type { AnnotationObject, Geometry, Ring } from '../model/types.js';
import { dedupe, requiresClosedRings } from './geometry-rules.js';

/**
 * Safe repairs only: repeated vertices dropped and rings marked closed (writers of formats
 * that repeat the first vertex then write it). Anything that needs a judgement (a
 * self-intersection, a point outside the slide) is left for a person.
 */
export function fixSet(
  set: AnnotationSet,
  options: { file?: string; format?: string } = {},
): { set: AnnotationSet; repairs: Message[] } {
  const { file } = options;
  const close = requiresClosedRings(options.format ?? set.dataset?.sources[0]?.format);
  const repairs: Message[] = [];
  const objects = set.objects.map((object) => {
    if (!object.geometry) return object;
    const fixed = fixGeometry(object.geometry, close);
    if (!fixed) return object;
    repairs.push({
      severity: 'info',
      ruleId: `fix/${fixed.what}`,
      message: fixed.description,
      place: `object ${object.id}, slide ${object.slide}`,
      ...(file ? { file } : {}),
    });
    return { ...object, geometry: fixed.geometry } as AnnotationObject;
  });
  return { set: { ...set, objects }, repairs };
}

interface Fixed {
  geometry: Geometry;
  what: 'repeated-vertex' | 'unclosed-ring' | 'rings';
  description: string;
}

/** Fix one geometry; `close` marks rings closed for formats that require it. */
function fixGeometry(geometry: Geometry, close: boolean): Fixed | undefined {
  if (geometry.type !== 'polygon' && geometry.type !== 'multipolygon') return undefined;
  const ringSets = geometry.type === 'polygon' ? [geometry.rings] : geometry.polygons;
  const parts = ringSets.map(fixRings);
  if (parts.some((p) => !p)) return undefined;
  const dropped = parts.reduce((n, p) => n + p!.dropped, 0);
  const closing = close && geometry.closed !== true;
  if (dropped === 0 && !closing) return undefined;
  const closed = closing || geometry.closed === true ? { closed: true } : {};
  const fixed: Geometry =
    geometry.type === 'polygon'
      ? { ...geometry, rings: parts[0]!.rings, ...closed }
      : { ...geometry, polygons: parts.map((p) => p!.rings), ...closed };
  return describe(fixed, dropped, closing);
}

/** Rings with repeats dropped; undefined when a ring would be left with under 3 points. */
function fixRings(rings: Ring[]): { rings: Ring[]; dropped: number } | undefined {
  const clean = rings.map(dedupe);
  if (clean.some((r) => r.length < 3)) return undefined;
  const dropped = rings.reduce((n, r, i) => n + r.length - clean[i]!.length, 0);
  return { rings: clean, dropped };
}

function describe(geometry: Geometry, dropped: number, closing: boolean): Fixed {
  const parts = [];
  if (dropped > 0) parts.push(`dropped ${dropped} repeated vertex/vertices`);
  if (closing) parts.push('closed the ring(s)');
  const what = dropped > 0 && closing ? 'rings' : dropped > 0 ? 'repeated-vertex' : 'unclosed-ring';
  return { geometry, what, description: parts.join(' and ') };
}

/** Write a set with the converter's writer (the input's own format); returns its loss report. */
export async function writeSet(
  set: AnnotationSet,
  converter: Converter,
  path: string,
  context: ConvertContext,
): Promise<LossReport> {
  const loss = new LossReport(converter.format.id, [converter.format.id]);
  const writer = await converter.createWriter!({ path }, { ...context, loss });
  try {
    for await (const record of streamSet(set)) {
      if (record.type === 'object') loss.objectsRead += 1;
      await writer.write(record);
    }
    await writer.end();
  } catch (error) {
    await writer.abort();
    throw error;
  }
  return loss;
}
