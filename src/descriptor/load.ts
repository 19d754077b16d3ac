import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import { InputError } from '../errors.js';
import { type Descriptor, isHumanTodo } from './types.js';

/** A descriptor as read from disk, with what is needed to point at lines in it. */
export interface LoadedDescriptor {
  path: string;
  /** Folder the descriptor's relative paths are resolved against. */
  dir: string;
  /** The data with every `TODO(human)` answer removed, as validation sees it. */
  data: Descriptor;
  /** The data as written, TODO markers included. */
  raw: unknown;
  /** Field paths (dotted) whose answer is still a `TODO(human)` marker. */
  todos: string[];
  document: Document;
  /** 1-based line of the value at a path, when the file has it. */
  lineOf(path: readonly (string | number)[]): number | undefined;
}

/** Read and parse a YAML or JSON descriptor; syntax errors name the file and line. */
export async function loadDescriptor(path: string): Promise<LoadedDescriptor> {
  const text = await readFile(path, 'utf8').catch((e: NodeJS.ErrnoException) => {
    const why = e.code === 'ENOENT' ? 'no such file' : e.code;
    throw new InputError(
      `cannot read the descriptor (${why}); create one with slidepack init`,
      path,
    );
  });
  return parseDescriptor(text, path);
}

/** Parse descriptor text; `path` is used for messages and relative paths. */
export function parseDescriptor(text: string, path: string): LoadedDescriptor {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false });
  const first = document.errors[0];
  if (first) {
    const line = lineCounter.linePos(first.pos[0]).line;
    throw new InputError(
      `not valid YAML or JSON: ${first.message.split('\n')[0]}`,
      path,
      `line ${line}`,
    );
  }
  const raw: unknown = document.toJS();
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new InputError('a descriptor is a mapping of sections (identity, files, ...)', path);
  }
  const todos: string[] = [];
  const data = (stripTodos(raw, [], todos) ?? {}) as Descriptor;
  const lineOf = (at: readonly (string | number)[]) => {
    const offset = keyOffset(document, at) ?? valueOffset(document, at);
    return offset === undefined ? undefined : lineCounter.linePos(offset).line;
  };
  return { path, dir: dirname(resolve(path)), data, raw, todos, document, lineOf };
}

function valueOffset(document: Document, at: readonly (string | number)[]): number | undefined {
  const node = document.getIn(at, true) as { range?: [number, number, number] } | undefined;
  return node && (isScalar(node) || isMap(node) || isSeq(node)) ? node.range?.[0] : undefined;
}

/** Where a mapping member's key starts: a section's line is its `name:` line, not its child's. */
function keyOffset(document: Document, at: readonly (string | number)[]): number | undefined {
  const key = at.at(-1);
  if (typeof key !== 'string') return undefined;
  const parent = at.length === 1 ? document.contents : document.getIn(at.slice(0, -1), true);
  if (!isMap(parent)) return undefined;
  const pair = parent.items.find((p) => isScalar(p.key) && p.key.value === key);
  return pair && isScalar(pair.key) ? pair.key.range?.[0] : undefined;
}

/**
 * A copy without `TODO(human)` answers: such strings, and the objects and lists they leave
 * empty, are dropped so that validation reports the field as missing rather than mistyped.
 */
function stripTodos(value: unknown, at: (string | number)[], todos: string[]): unknown {
  if (isHumanTodo(value)) {
    todos.push(dotted(at));
    return undefined;
  }
  if (Array.isArray(value)) {
    const items = value
      .map((v, i) => stripTodos(v, [...at, i], todos))
      .filter((v) => v !== undefined);
    return items.length || value.length === 0 ? items : undefined;
  }
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) {
      const kept = stripTodos(v, [...at, key], todos);
      if (kept !== undefined) out[key] = kept;
    }
    return Object.keys(out).length || Object.keys(value).length === 0 ? out : undefined;
  }
  return value;
}

/**
 * A message place for a descriptor path: `line N` of the value, or of its nearest parent in
 * the file when the value itself is missing; the dotted path when the file has neither.
 */
export function placeNear(
  loaded: Pick<LoadedDescriptor, 'lineOf'>,
  at: readonly (string | number)[],
): string {
  for (let n = at.length; n > 0; n--) {
    const line = loaded.lineOf(at.slice(0, n));
    if (line) return `line ${line}`;
  }
  return dotted(at);
}

/** `identity.creators[0].name` style path for messages. */
export function dotted(at: readonly (string | number)[]): string {
  let out = '';
  for (const part of at) {
    out += typeof part === 'number' ? `[${part}]` : out ? `.${part}` : part;
  }
  return out || '(top level)';
}
