import type { AnnotationObject, CanonicalRecord } from './types.js';

/**
 * Canonical records on disk are JSON, which has no NaN or Infinity: non-finite measurement
 * values are written as the strings "NaN", "Infinity" and "-Infinity" and read back as numbers.
 */
export function recordToJson(record: CanonicalRecord): string {
  if (record.type !== 'object' || !record.measurements) return JSON.stringify(record);
  if (allFinite(record.measurements)) return JSON.stringify(record);
  return JSON.stringify({ ...record, measurements: encodeMeasurements(record.measurements) });
}

/** A loop, not `Object.values().every()`: this runs once for each of millions of objects. */
function allFinite(values: Record<string, number>): boolean {
  for (const key in values) if (!Number.isFinite(values[key])) return false;
  return true;
}

export function encodeMeasurements(
  values: Record<string, number>,
): Record<string, number | string> {
  const out: Record<string, number | string> = {};
  for (const [key, value] of Object.entries(values)) {
    out[key] = Number.isFinite(value) ? value : nonFiniteName(value);
  }
  return out;
}

export function nonFiniteName(value: number): 'NaN' | 'Infinity' | '-Infinity' {
  if (Number.isNaN(value)) return 'NaN';
  return value > 0 ? 'Infinity' : '-Infinity';
}

/** Parse "NaN", "Infinity", "-Infinity" (any case, also "inf"/"-inf"); undefined otherwise. */
export function parseNonFinite(value: string): number | undefined {
  switch (value.toLowerCase()) {
    case 'nan':
      return Number.NaN;
    case 'infinity':
    case 'inf':
    case '+infinity':
      return Number.POSITIVE_INFINITY;
    case '-infinity':
    case '-inf':
      return Number.NEGATIVE_INFINITY;
    default:
      return undefined;
  }
}

/** Turn the on-disk measurement strings of a parsed object back into numbers, in place. */
export function decodeObject(object: AnnotationObject): AnnotationObject {
  const values = object.measurements as Record<string, number | string> | undefined;
  if (!values) return object;
  for (const [key, value] of Object.entries(values)) {
    if (typeof value === 'string') values[key] = parseNonFinite(value) ?? Number.NaN;
  }
  return object;
}
