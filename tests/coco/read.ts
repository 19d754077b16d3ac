import { coco } from '../../converters/coco/index.js';
import { silentLogger } from '../../src/log.js';
import { LossReport } from '../../src/loss.js';
import { Messages } from '../../src/messages.js';
import { type AnnotationSet, collect } from '../../src/model/collect.js';

/** Read a COCO file straight through the converter, keeping its messages and read-side notes. */
export async function readCoco(
  path: string,
  options: Record<string, unknown> = {},
): Promise<{ set: AnnotationSet; messages: Messages; loss: LossReport }> {
  const messages = new Messages();
  const loss = new LossReport('canonical', ['coco']);
  const context = { messages, logger: silentLogger, options, loss };
  const set = await collect(coco.read!({ path }, context));
  return { set, messages, loss };
}
