import type { AnnotationSet } from './collect.js';

export interface CompareOptions {
  /** Largest allowed difference between coordinates, in pixels. */
  tolerance?: number;
  /** Member names left out of the comparison wherever they occur (e.g. `extras`). */
  ignore?: readonly string[];
  /** Match objects by position instead of by id. */
  byOrder?: boolean;
  /** Most differences to list before stopping. */
  limit?: number;
}

const GEOMETRY_KEYS = new Set(['geometry', 'nucleus']);

/**
 * Differences between two data sets, as readable lines (`object abc: geometry.rings[0][3][1]
 * 10.5 ≠ 10.7`). Coordinates compare within a tolerance; NaN equals NaN. An empty list means
 * the sets agree, which is what round-trip tests assert.
 */
export function compareSets(a: AnnotationSet, b: AnnotationSet, options: CompareOptions = {}) {
  const diff = new Differ(options);
  diff.maps('slide', a.slides, b.slides);
  diff.maps('class', a.classes, b.classes);
  diff.maps('annotator', a.annotators, b.annotators);
  diff.maps('group', a.groups, b.groups);
  if (options.byOrder) {
    diff.value('objects.length', a.objects.length, b.objects.length, false);
    for (const [i, o] of a.objects.entries()) diff.value(`object #${i}`, o, b.objects[i], false);
  } else {
    diff.maps('object', byId(a.objects), byId(b.objects));
  }
  return diff.found;
}

function byId<T extends { id: string }>(items: T[]): Map<string, T> {
  return new Map(items.map((item) => [item.id, item]));
}

class Differ {
  readonly found: string[] = [];
  private readonly tolerance: number;
  private readonly ignore: Set<string>;
  private readonly limit: number;

  constructor(options: CompareOptions) {
    this.tolerance = options.tolerance ?? 0;
    this.ignore = new Set(options.ignore ?? []);
    this.limit = options.limit ?? 50;
  }

  maps(kind: string, a: Map<string, unknown>, b: Map<string, unknown>): void {
    for (const [id, value] of a) {
      if (!b.has(id)) this.add(`${kind} ${id}: missing on the right`);
      else this.value(`${kind} ${id}`, value, b.get(id), false);
    }
    for (const id of b.keys()) if (!a.has(id)) this.add(`${kind} ${id}: missing on the left`);
  }

  value(path: string, a: unknown, b: unknown, inGeometry: boolean): void {
    if (this.found.length >= this.limit) return;
    if (typeof a === 'number' && typeof b === 'number') this.number(path, a, b, inGeometry);
    else if (Array.isArray(a) && Array.isArray(b)) this.array(path, a, b, inGeometry);
    else if (isObject(a) && isObject(b)) this.object(path, a, b, inGeometry);
    else if (a !== b) this.add(`${path}: ${show(a)} ≠ ${show(b)}`);
  }

  private number(path: string, a: number, b: number, inGeometry: boolean): void {
    if (Number.isNaN(a) && Number.isNaN(b)) return;
    const allowed = inGeometry ? this.tolerance : 0;
    if (a === b || Math.abs(a - b) <= allowed) return;
    this.add(`${path}: ${a} ≠ ${b}`);
  }

  private array(path: string, a: unknown[], b: unknown[], inGeometry: boolean): void {
    if (a.length !== b.length) {
      this.add(`${path}: ${a.length} items ≠ ${b.length} items`);
      return;
    }
    for (const [i, item] of a.entries()) this.value(`${path}[${i}]`, item, b[i], inGeometry);
  }

  private object(path: string, a: Record<string, unknown>, b: Record<string, unknown>, g: boolean) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const key of keys) {
      if (this.ignore.has(key)) continue;
      if (a[key] === undefined && b[key] === undefined) continue;
      this.value(`${path}.${key}`, a[key], b[key], g || GEOMETRY_KEYS.has(key));
    }
  }

  private add(line: string): void {
    if (this.found.length < this.limit) this.found.push(line);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function show(value: unknown): string {
  const text = JSON.stringify(value);
  return text === undefined ? 'undefined' : text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
