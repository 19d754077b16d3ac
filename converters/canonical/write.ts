import type { RecordWriter, WriteContext, WriteTarget } from '../../src/converter.js';
import { BufferedOutput, openOutput } from '../../src/io/output.js';
import { recordToJson } from '../../src/model/serialize.js';

/** Write canonical NDJSON: every record as one line, nothing lost. */
export async function toCanonical(
  target: WriteTarget,
  context: WriteContext,
): Promise<RecordWriter> {
  const out = new BufferedOutput(await openOutput(target.path));
  return {
    async write(record) {
      if (record.type === 'object') context.loss.objectsWritten += 1;
      await out.write(`${recordToJson(record)}\n`);
    },
    end: () => out.commit(),
    abort: () => out.abort(),
  };
}
