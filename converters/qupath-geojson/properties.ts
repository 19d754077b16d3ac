import { parseNonFinite } from '../../src/model/serialize.js';
import { isObject, type Report } from './geometry.js';
import type { VersionSignals } from './version.js';

/**
 * Measurements and metadata in QuPath's spellings: the 0.2/0.3 list of `{name, value}`, the
 * 0.4+ map, the "flattened" variant some scripts wrote (`"Measurement count"` plus every
 * measurement as a top-level property), and NaN/±Infinity bare (≤0.4) or as strings (0.5+).
 */
export interface ReadMeasurements {
  values: Record<string, number>;
  /** For the flattened variant: every property name taken as a measurement or known. */
  flattened?: ReadonlySet<string>;
}

const FLATTENED_COUNT = 'Measurement count';

export function readMeasurements(
  props: Record<string, unknown>,
  at: string,
  warn: Report,
  bareNonFinite: boolean,
  signals: VersionSignals,
): ReadMeasurements | undefined {
  const value = props.measurements;
  // Pointers are built only for a value that is wrong: most files have millions of values.
  const read: ReadValue = (v, base, key) => readValue(v, base, key, warn, bareNonFinite, signals);
  if (Array.isArray(value)) {
    signals.measurementList = true;
    return { values: fromList(value, `${at}/measurements`, warn, read) };
  }
  if (isObject(value)) {
    signals.measurementMap = true;
    return { values: fromMap(value, `${at}/measurements`, read) };
  }
  if (value !== undefined && value !== null) {
    warn(
      `${at}/measurements`,
      'measurements are neither a list nor a map; ignored',
      'an object',
      value,
    );
  }
  return typeof props[FLATTENED_COUNT] === 'number' ? fromFlattened(props, at, read) : undefined;
}

/** Read one value; `base` and `key` make its JSON pointer, built only for a wrong value. */
type ReadValue = (value: unknown, base: string, key: string) => number | undefined;

/**
 * The parsed map itself becomes the canonical one: only values that are not plain numbers
 * ("NaN" strings, nulls, junk) are touched. Copying 40 values for each of a million cells
 * cost more than reading them.
 */
function fromMap(map: Record<string, unknown>, at: string, read: ReadValue) {
  for (const key in map) {
    const v = map[key];
    if (typeof v === 'number') continue;
    const n = read(v, at, key);
    if (n === undefined) delete map[key];
    else map[key] = n;
  }
  return map as Record<string, number>;
}

function fromList(items: unknown[], at: string, warn: Report, read: ReadValue) {
  const values: Record<string, number> = {};
  items.forEach((item, i) => {
    if (isObject(item) && typeof item.name === 'string') {
      const n = read(item.value, `${at}/${i}`, 'value');
      if (n !== undefined) values[item.name] = n;
    } else {
      warn(
        `${at}/${i}`,
        'a measurement is not {"name", "value"}; ignored',
        '{"name", "value"}',
        item,
      );
    }
  });
  return values;
}

/** Old scripts flattened measurements into the properties; numbers beside the count are them. */
function fromFlattened(props: Record<string, unknown>, at: string, read: ReadValue) {
  const values: Record<string, number> = {};
  const taken = new Set(['objectType', 'object_type', 'name', 'color', 'classification']);
  for (const key of ['isLocked', 'isMissing', 'metadata', 'childObjects', 'children'])
    taken.add(key);
  taken.add(FLATTENED_COUNT);
  for (const key in props) {
    if (taken.has(key) || (typeof props[key] !== 'number' && typeof props[key] !== 'string'))
      continue;
    const n = read(props[key], at, key);
    if (n === undefined) continue;
    values[key] = n;
    taken.add(key);
  }
  return { values, flattened: taken };
}

function readValue(
  value: unknown,
  base: string,
  key: string,
  warn: Report,
  bareNonFinite: boolean,
  signals: VersionSignals,
): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string') {
    const special = parseNonFinite(value);
    if (special !== undefined) {
      // The scanner turns bare tokens into strings; only a string written as such means 0.5+.
      if (!bareNonFinite) signals.stringNonFinite = true;
      return special;
    }
    const n = Number(value);
    if (value.trim() !== '' && Number.isFinite(n)) return n;
  }
  if (value === null) return Number.NaN;
  warn(
    `${base}/${escapePointer(key)}`,
    'a measurement value is not a number; ignored',
    'a number, "NaN" or "Infinity"',
    value,
  );
  return undefined;
}

export function readMetadata(value: unknown, at: string, warn: Report) {
  if (!isObject(value)) {
    warn(at, 'metadata is not an object; ignored', 'a map of strings', value);
    return undefined;
  }
  const metadata: Record<string, string> = {};
  for (const key in value) {
    const v = value[key];
    if (typeof v === 'string') metadata[key] = v;
    else if (typeof v === 'number' || typeof v === 'boolean') metadata[key] = String(v);
    else if (v !== null)
      warn(`${at}/${escapePointer(key)}`, 'a metadata value is not text; ignored', 'a string', v);
  }
  return metadata;
}

/** RFC 6901: "~" and "/" inside a key. */
export function escapePointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}
