import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { schemaPath } from '../io/paths.js';
import type { Messages } from '../messages.js';
import { checkSpdx, incompatibility } from './license.js';
import { type LoadedDescriptor, dotted, placeNear } from './load.js';
import { closest } from './suggest.js';

/** A JSON Schema node as far as this file reads it. */
interface SchemaNode {
  type?: string | string[];
  description?: string;
  properties?: Record<string, SchemaNode>;
  additionalProperties?: boolean | SchemaNode;
  items?: SchemaNode;
  enum?: unknown[];
  const?: unknown;
  oneOf?: SchemaNode[];
  $ref?: string;
  'x-level'?: Level;
  [key: string]: unknown;
}

export type Level = 'must' | 'should' | 'optional';

let compiled: { schema: SchemaNode; validate: ValidateFunction } | undefined;

/** The descriptor schema, compiled once. */
export function descriptorSchema(): { schema: SchemaNode; validate: ValidateFunction } {
  if (compiled) return compiled;
  const schema = JSON.parse(readFileSync(schemaPath('dataset.schema.json'), 'utf8')) as SchemaNode;
  const ajv = new Ajv({ allErrors: true, strict: true, verbose: true });
  ajv.addKeyword({ keyword: 'x-level', schemaType: 'string' });
  compiled = { schema, validate: ajv.compile(schema) };
  return compiled;
}

/**
 * Check a descriptor's shape against the schema, its SPDX ids and declared source licenses.
 * Every problem becomes a message naming the field path and what was expected.
 */
export function validateDescriptor(loaded: LoadedDescriptor, messages: Messages): void {
  const { validate } = descriptorSchema();
  if (!validate(loaded.data)) {
    for (const error of simplify(validate.errors ?? [])) report(error, loaded, messages);
  }
  checkLicenses(loaded, messages);
}

/** Drop the per-branch noise of a failed oneOf: its own error says what was expected. */
function simplify(errors: ErrorObject[]): ErrorObject[] {
  const oneOf = errors
    .filter((e) => e.keyword === 'oneOf')
    .map((e) => e.schemaPath.replace(/\/oneOf$/, ''));
  return errors.filter(
    (e) => e.keyword === 'oneOf' || !oneOf.some((p) => e.schemaPath.startsWith(`${p}/oneOf/`)),
  );
}

function pathOf(pointer: string): (string | number)[] {
  if (!pointer) return [];
  return pointer
    .slice(1)
    .split('/')
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}

function report(error: ErrorObject, loaded: LoadedDescriptor, messages: Messages): void {
  const at = pathOf(error.instancePath);
  const { text, expected, field } = describe(error, at);
  const line = loaded.lineOf(field);
  const where = { file: loaded.path, place: line ? `line ${line}` : dotted(field) };
  // A required member of a list item left as TODO(human) is a missing must field, not a typo.
  if (error.keyword === 'required' && loaded.todos.includes(dotted(field))) {
    messages.error(
      'descriptor/missing-must',
      `${dotted(field)}: still TODO(human) (must field)`,
      where,
    );
    return;
  }
  const rule = error.keyword === 'additionalProperties' ? 'unknown-key' : 'schema';
  messages.error(`descriptor/${rule}`, `${dotted(field)}: ${text}`, {
    ...where,
    ...(expected ? { expected } : {}),
  });
}

function describe(error: ErrorObject, at: (string | number)[]) {
  const params = error.params as Record<string, unknown>;
  const schema = error.parentSchema as SchemaNode | undefined;
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const known = Object.keys(schema?.properties ?? {});
      const hint = closest(key, known);
      const text = `unknown key "${key}"${hint ? `; did you mean "${hint}"?` : ''}`;
      return {
        text,
        expected: known.length ? `one of ${known.join(', ')}` : undefined,
        field: [...at, key],
      };
    }
    case 'required':
      return {
        text: 'is required',
        expected: undefined,
        field: [...at, String(params.missingProperty)],
      };
    case 'type':
      return { text: `expected ${params.type}`, expected: undefined, field: at };
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).join(', ');
      return { text: `expected one of ${allowed}`, expected: allowed, field: at };
    }
    case 'const':
      return {
        text: `expected ${JSON.stringify(params.allowedValue)}`,
        expected: undefined,
        field: at,
      };
    case 'oneOf':
      return { text: `expected ${branchWords(schema)}`, expected: undefined, field: at };
    case 'pattern':
      return {
        text: `expected ${schema?.description ?? `text matching ${params.pattern}`}`,
        expected: undefined,
        field: at,
      };
    default:
      return { text: `${error.message ?? 'is not valid'}`, expected: undefined, field: at };
  }
}

function branchWords(schema: SchemaNode | undefined): string {
  if (schema?.description) return schema.description.replace(/\.$/, '');
  const words = (schema?.oneOf ?? []).map((b) =>
    b.type === 'array' ? 'a list' : `a ${b.type ?? 'value'}`,
  );
  return words.join(' or ');
}

/** Every license id must be on the SPDX list; reused sources must fit the release license. */
function checkLicenses(loaded: LoadedDescriptor, messages: Messages): void {
  const dist = loaded.data.distribution;
  const claimed = dist?.license ?? {};
  const valid: Record<string, boolean> = {};
  for (const part of ['images', 'labels'] as const) {
    const id = claimed[part];
    if (!id) continue;
    const at = ['distribution', 'license', part];
    valid[part] = checkSpdx(id, at.join('.'), loaded.path, messages, placeNear(loaded, at));
  }
  for (const [i, source] of (dist?.sources ?? []).entries()) {
    const path = `distribution.sources[${i}].license`;
    const place = placeNear(loaded, ['distribution', 'sources', i, 'license']);
    if (!checkSpdx(source.license, path, loaded.path, messages, place)) continue;
    const parts =
      source.part === 'images' || source.part === 'labels'
        ? [source.part]
        : (['images', 'labels'] as const);
    for (const part of parts) {
      const release = claimed[part];
      const why = release && valid[part] ? incompatibility(source.license, release) : undefined;
      if (why) {
        messages.error(
          'license/incompatible',
          `${path}: source "${source.name}" cannot be released under the ${part} license: ${why}`,
          { file: loaded.path, place },
        );
      }
    }
  }
}
