import { readFileSync } from 'node:fs';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { schemaPath } from '../io/paths.js';

const RECORD_TYPES = ['dataset', 'slide', 'class', 'annotator', 'group', 'object'] as const;

let validators: Map<string, ValidateFunction> | undefined;
let whole: ValidateFunction | undefined;

/** One validator per record type, so an error names the member that is wrong. */
function compile(): Map<string, ValidateFunction> {
  if (validators) return validators;
  const schema = JSON.parse(readFileSync(schemaPath('canonical.schema.json'), 'utf8'));
  const ajv = new Ajv2020({ allErrors: false, strict: false });
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
  if (!error) return { message: 'does not match the canonical schema', where: {} };
  return {
    message: `${error.instancePath || '/'} ${error.message ?? 'is invalid'}`,
    where: { expected: JSON.stringify(error.params) },
  };
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
