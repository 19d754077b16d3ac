import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { ConvertContext, ReadInput } from '../../src/converter.js';
import { decodeObject } from '../../src/model/serialize.js';
import type { CanonicalRecord, RecordStream } from '../../src/model/types.js';
import { validateRecord } from '../../src/model/validate-record.js';

/** Read canonical NDJSON, checking every line against `schemas/canonical.schema.json`. */
export async function* fromCanonical(input: ReadInput, context: ConvertContext): RecordStream {
  const lines = createInterface({ input: createReadStream(input.path), crlfDelay: Infinity });
  let lineNumber = 0;
  for await (const line of lines) {
    lineNumber++;
    if (line.trim() === '') continue;
    const record = parseLine(line, lineNumber, input.path, context);
    if (record) yield record.type === 'object' ? decodeObject(record) : record;
  }
}

function parseLine(
  line: string,
  lineNumber: number,
  file: string,
  context: ConvertContext,
): CanonicalRecord | undefined {
  const place = `line ${lineNumber}`;
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (e) {
    context.messages.error('canonical/json', `not valid JSON: ${(e as Error).message}`, {
      file,
      place,
    });
    return undefined;
  }
  const problem = validateRecord(value);
  if (problem) {
    context.messages.error('canonical/schema', problem.message, { file, place, ...problem.where });
    return undefined;
  }
  return value as CanonicalRecord;
}
