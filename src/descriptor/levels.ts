import type { Messages } from '../messages.js';
import { type LoadedDescriptor, placeNear } from './load.js';
import { descriptorSchema, type Level } from './validate.js';

/** One descriptor field with its level, as read from the schema's `x-level` marks. */
export interface LeveledField {
  path: string[];
  level: Level;
  description?: string;
}

interface Node {
  properties?: Record<string, Node>;
  description?: string;
  'x-level'?: Level;
}

/** Every field the schema gives a level, parents before children. */
export function leveledFields(): LeveledField[] {
  const out: LeveledField[] = [];
  const walk = (node: Node, at: string[]) => {
    for (const [key, child] of Object.entries(node.properties ?? {})) {
      const level = child['x-level'];
      if (!level) continue;
      out.push({
        path: [...at, key],
        level,
        ...(child.description ? { description: child.description } : {}),
      });
      walk(child, [...at, key]);
    }
  };
  walk(descriptorSchema().schema as Node, []);
  return out;
}

/** The fields at a level whose answer is absent, empty or still a TODO(human) marker. */
export function missingFields(loaded: LoadedDescriptor, level: Level): LeveledField[] {
  const fields = leveledFields();
  const isMissing = (path: string[]) => empty(valueAt(loaded.data, path));
  return fields.filter((field) => {
    if (field.level !== level || !isMissing(field.path)) return false;
    const parent = fields.find((f) => f.path.join('.') === field.path.slice(0, -1).join('.'));
    // A leaf is reported, not the section holding it, so the list says exactly what to write.
    if (
      fields.some(
        (f) =>
          f.path.length > field.path.length && startsWith(f.path, field.path) && f.level === level,
      )
    ) {
      return false;
    }
    // Fields of an optional section that was left out are not asked for.
    return !parent || parent.level === 'must' || !isMissing(parent.path);
  });
}

/** Report missing must fields as errors and missing should fields as warnings. */
export function checkLevels(loaded: LoadedDescriptor, messages: Messages): void {
  for (const [level, add] of [
    ['must', messages.error.bind(messages)],
    ['should', messages.warn.bind(messages)],
  ] as const) {
    for (const field of missingFields(loaded, level)) {
      const path = field.path.join('.');
      const todo = loaded.todos.some(
        (t) => t === path || t.startsWith(`${path}.`) || t.startsWith(`${path}[`),
      );
      add(
        `descriptor/missing-${level}`,
        `${path}: ${todo ? 'still TODO(human)' : 'missing'} (${level} field)`,
        {
          file: loaded.path,
          // A missing field has no line of its own: its section's line is the place to add it.
          place: placeNear(loaded, field.path),
          ...(field.description ? { expected: field.description } : {}),
        },
      );
    }
  }
}

function startsWith(path: string[], prefix: string[]): boolean {
  return prefix.every((p, i) => path[i] === p);
}

export function valueAt(data: unknown, path: readonly string[]): unknown {
  let value = data;
  for (const key of path) {
    if (!value || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

function empty(value: unknown): boolean {
  if (value === undefined || value === null || value === '') return true;
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === 'object') return Object.keys(value).length === 0;
  return false;
}
