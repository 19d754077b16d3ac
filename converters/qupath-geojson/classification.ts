import type { AnnotationClass, CanonicalRecord, Color } from '../../src/model/types.js';
import { isObject, type Report } from './geometry.js';

/**
 * QuPath classifications in every spelling: 0.4+ `{"name"|"names", "color": [r,g,b]}`, 0.2/0.3
 * `{"name", "colorRGB": <signed packed ARGB>, "parentClass": {…}}`, and a bare string. Derived
 * classes become paths ("Tumor: Positive" is ["Tumor", "Positive"]).
 */
export interface ReadClass {
  path: string[];
  color?: Color;
  /** 0.2/0.3 nested parent classes, outermost first, each with its own colour. */
  ancestors: { path: string[]; color?: Color }[];
}

/** Which spellings were seen, for version detection. */
export interface ClassSpelling {
  colorRGB: boolean;
  colorArray: boolean;
  names: boolean;
}

/** The class id: the path joined as QuPath writes derived classes. */
export function classId(path: string[]): string {
  return path.join(': ');
}

/** Split a QuPath class string ("Tumor: Positive") into its path. */
export function splitClassName(name: string): string[] {
  return name
    .split(':')
    .map((part) => part.trim())
    .filter((part) => part !== '');
}

/** Read `properties.classification`; undefined (reported when wrong) when there is none. */
export function readClassification(
  value: unknown,
  at: string,
  report: Report,
  seen: ClassSpelling,
): ReadClass | undefined {
  if (typeof value === 'string') return readClassString(value, at, report);
  if (!isObject(value)) {
    report(
      at,
      'the classification is neither an object nor a class name',
      '{"name", "color"}',
      value,
    );
    return undefined;
  }
  const path = readPath(value, at, report, seen);
  if (!path) return undefined;

  const color = readClassColor(value, at, report, seen);
  const ancestors = isObject(value.parentClass)
    ? readAncestors(value.parentClass, `${at}/parentClass`, report, seen)
    : [];
  const prefix = ancestors.at(-1)?.path ?? [];
  const full = value.names === undefined && prefix.length ? [...prefix, ...path] : path;
  return color ? { path: full, color, ancestors } : { path: full, ancestors };
}

/** A plain class name is fine; a Python-repr or JSON dict inside a string is refused. */
function readClassString(value: string, at: string, report: Report): ReadClass | undefined {
  const text = value.trim();
  if (/^[{[]/.test(text) || /['"]name['"]\s*:/.test(text)) {
    report(
      at,
      'the classification is a string holding a dict (e.g. a Python repr); refusing to guess ' +
        'its class and colour — write it as a JSON object instead',
      '{"name": "...", "color": [r, g, b]} or a plain class name',
      value.length > 80 ? `${value.slice(0, 77)}...` : value,
    );
    return undefined;
  }
  const path = splitClassName(text);
  return path.length ? { path, ancestors: [] } : undefined;
}

function readPath(
  value: Record<string, unknown>,
  at: string,
  report: Report,
  seen: ClassSpelling,
): string[] | undefined {
  if (Array.isArray(value.names)) {
    seen.names = true;
    const names = value.names.filter((n): n is string => typeof n === 'string' && n !== '');
    if (names.length === value.names.length && names.length > 0) return names;
    report(`${at}/names`, 'the class names are not all non-empty strings', 'strings', value.names);
    return undefined;
  }
  if (typeof value.name === 'string' && value.name.trim() !== '') {
    // 0.2/0.3 write the leaf name beside `parentClass`; 0.4+ may write "Parent: Child".
    return value.parentClass ? [value.name.trim()] : splitClassName(value.name);
  }
  report(at, 'the classification has no name', '"name" or "names"', value.name);
  return undefined;
}

function readAncestors(
  value: Record<string, unknown>,
  at: string,
  report: Report,
  seen: ClassSpelling,
): ReadClass['ancestors'] {
  const read = readClassification(value, at, report, seen);
  if (!read) return [];
  const own = read.color ? { path: read.path, color: read.color } : { path: read.path };
  return [...read.ancestors, own];
}

function readClassColor(
  value: Record<string, unknown>,
  at: string,
  report: Report,
  seen: ClassSpelling,
): Color | undefined {
  if (value.colorRGB !== undefined) {
    seen.colorRGB = true;
    return readColor(value.colorRGB, `${at}/colorRGB`, report);
  }
  if (value.color === undefined) return undefined;
  if (Array.isArray(value.color)) seen.colorArray = true;
  return readColor(value.color, `${at}/color`, report);
}

/** A QuPath colour: `[r, g, b]`, `[r, g, b, a]` (0–255) or a signed packed ARGB integer. */
export function readColor(value: unknown, at: string, report: Report): Color | undefined {
  if (typeof value === 'number' && Number.isInteger(value)) return unpackArgb(value);
  if (Array.isArray(value) && (value.length === 3 || value.length === 4)) {
    const ok = value.every((n) => typeof n === 'number' && n >= 0 && n <= 255);
    if (ok) {
      const [r, g, b, a] = value.map(Math.round) as number[];
      const alpha = a === undefined ? 1 : a / 255;
      const form = value.length === 3 ? 'rgb-array' : 'rgba-array';
      return { rgba: [r!, g!, b!, alpha], source: { form, value: [...value] } };
    }
  }
  report(at, 'not a colour', '[r, g, b] with 0–255 values or a packed ARGB integer', value);
  return undefined;
}

/** Java's signed ARGB int, e.g. -3670016 is opaque rgb(200, 0, 0). */
export function unpackArgb(value: number): Color {
  const v = value >>> 0;
  const a = (v >>> 24) & 255;
  const rgba: Color['rgba'] = [(v >>> 16) & 255, (v >>> 8) & 255, v & 255, a === 0 ? 1 : a / 255];
  return { rgba, source: { form: 'packed-argb', value } };
}

/** Pack a colour as QuPath 0.2/0.3 write `colorRGB`: a signed 32-bit ARGB integer. */
export function packArgb(color: Color): number {
  if (color.source?.form === 'packed-argb' && typeof color.source.value === 'number') {
    return color.source.value;
  }
  const [r, g, b, a] = color.rgba;
  return (Math.round(a * 255) << 24) | (r << 16) | (g << 8) | b | 0;
}

/** Same colour channels and alpha (the spelling may differ). */
export function sameColor(a: Color | undefined, b: Color | undefined): boolean {
  if (!a || !b) return a === b;
  return a.rgba.every((v, i) => v === b.rgba[i]);
}

/** The class record for a path, named by its full path as the class id is. */
export function classRecord(path: string[], color: Color | undefined): AnnotationClass {
  const id = classId(path);
  const record: AnnotationClass = { type: 'class', id, name: id, path };
  if (color) record.color = color;
  return record;
}

/** Class records, each emitted once before the first object that uses it. */
export class ClassRegistry {
  private readonly classes = new Map<string, AnnotationClass>();

  /**
   * The class id for a read classification; new classes (and 0.2/0.3 parent classes) go to
   * `out`, and a per-object colour that differs from the class's is kept in `extras`.
   */
  register(read: ReadClass, out: CanonicalRecord[], extras: Record<string, unknown>): string {
    for (const level of [...read.ancestors, { path: read.path, color: read.color }]) {
      const id = classId(level.path);
      if (this.classes.has(id)) continue;
      const record = classRecord(level.path, level.color);
      this.classes.set(id, record);
      out.push(record);
    }
    const id = classId(read.path);
    const known = this.classes.get(id)!.color;
    if (read.color && !sameSpelling(known, read.color)) extras.classColor = read.color;
    return id;
  }
}

/** Same channels and the same source spelling, without serialising for every object. */
function sameSpelling(a: Color | undefined, b: Color): boolean {
  if (!a || a.rgba.some((v, i) => v !== b.rgba[i])) return false;
  const x = a.source;
  const y = b.source;
  if (!x || !y) return x === y;
  if (x.form !== y.form) return false;
  if (!Array.isArray(x.value) || !Array.isArray(y.value)) return x.value === y.value;
  const yv = y.value;
  return x.value.length === yv.length && x.value.every((v, i) => v === yv[i]);
}
