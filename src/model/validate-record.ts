import { readFileSync } from 'node:fs';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { closest } from '../descriptor/suggest.js';
import { schemaPath } from '../io/paths.js';

const RECORD_TYPES = ['dataset', 'slide', 'class', 'annotator', 'group', 'object'] as const;

let validators: Map<string, ValidateFunction> | undefined;
let whole: ValidateFunction | undefined;

/** One validator per record type, so an error names the member that is wrong. */
function compile(): Map<string, ValidateFunction> {
  if (validators) return validators;
  const schema = JSON.parse(readFileSync(schemaPath('canonical.schema.json'), 'utf8'));
  const ajv = new Ajv2020({ allErrors: false, strict: false, verbose: true });
  whole = ajv.compile(schema);
  validators = new Map();
  for (const type of RECORD_TYPES) {
    validators.set(type, ajv.getSchema(`${schema.$id}#/$defs/${type}`)!);
  }
  return validators;
}

export interface RecordProblem {
  message: string;
  where: { expected?: string; actual?: string };
}

/** Check one parsed record against the canonical schema; undefined when it is valid. */
export function validateRecord(value: unknown): RecordProblem | undefined {
  const type = (value as { type?: unknown } | null)?.type;
  const validate = compile().get(typeof type === 'string' ? type : '');
  if (!validate) {
    return {
      message: 'is not a canonical record',
      where: { expected: `"type" one of ${RECORD_TYPES.join(', ')}`, actual: JSON.stringify(type) },
    };
  }
  if (validate(value)) return undefined;
  const error = mostSpecific(validate.errors ?? []);
  const label = recordLabel(type as string, value);
  if (!error) return { message: `${label}: does not match the canonical schema`, where: {} };
  return { message: `${label}: ${describeError(error)}`, where: whereOf(error) };
}

/** `slide record "001.tiff"`: the record's type and id, as a reader would look for it. */
function recordLabel(type: string, value: unknown): string {
  const id = (value as { id?: unknown }).id;
  return typeof id === 'string' || typeof id === 'number'
    ? `${type} record ${JSON.stringify(String(id))}`
    : `${type} record`;
}

/** `/frame/origin` as `member "frame.origin"`; the record itself as `the record`. */
function memberName(pointer: string, child?: string): string {
  const parts = pointer
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (child !== undefined) parts.push(child);
  if (parts.length === 0) return 'the record';
  const path = parts.map((p, i) => (/^\d+$/.test(p) ? `[${p}]` : i ? `.${p}` : p)).join('');
  return `member "${path}"`;
}

/** One ajv error in words: what is missing, unknown or of the wrong kind, and where. */
function describeError(error: ErrorObject): string {
  const p = error.params as Record<string, unknown>;
  const at = error.instancePath;
  switch (error.keyword) {
    case 'required':
      return `missing required ${memberName(at, String(p.missingProperty))}`;
    case 'additionalProperties':
      return `unknown ${memberName(at, String(p.additionalProperty))}`;
    case 'type':
      return `${memberName(at)} must be ${article(String(p.type))}`;
    case 'enum': {
      const allowed = (p.allowedValues as unknown[]).map((v) => JSON.stringify(v));
      return `${memberName(at)} must be one of ${allowed.join(', ')}`;
    }
    case 'const':
      return `${memberName(at)} must be ${JSON.stringify(p.allowedValue)}`;
    default:
      return `${memberName(at)} ${error.message ?? 'is invalid'}`;
  }
}

function article(type: string): string {
  const words = type.split(',').map((t) => (/^[aeiou]/.test(t) ? `an ${t}` : `a ${t}`));
  return words.join(' or ');
}

/** `expected` for an unknown member: the nearest member name, else the names allowed. */
function whereOf(error: ErrorObject): RecordProblem['where'] {
  if (error.keyword !== 'additionalProperties') return {};
  const unknown = String((error.params as Record<string, unknown>).additionalProperty);
  const allowed = Object.keys(
    (error.parentSchema as { properties?: object } | undefined)?.properties ?? {},
  );
  const near = closest(unknown, allowed);
  if (near) return { expected: `"${near}"` };
  return allowed.length ? { expected: `one of ${allowed.map((a) => `"${a}"`).join(', ')}` } : {};
}

const DROPPED = /^(slide|class|annotator|group) record ("(?:[^"\\]|\\.)*"): /;

/**
 * The dictionary record a canonical/schema message is about, parsed from the message text
 * made above, so checks do not report its slide or class as undeclared a second time.
 */
export function droppedRecord(message: string): { type: string; id: string } | undefined {
  const match = DROPPED.exec(message);
  return match ? { type: match[1]!, id: JSON.parse(match[2]!) as string } : undefined;
}

/** With oneOf, the deepest error is usually the one that names the real problem. */
function mostSpecific(errors: ErrorObject[]): ErrorObject | undefined {
  return [...errors].sort((a, b) => b.instancePath.length - a.instancePath.length)[0];
}

/** The compiled schema validator, for tests that check whole streams. */
export function canonicalValidator(): ValidateFunction {
  compile();
  return whole!;
}
