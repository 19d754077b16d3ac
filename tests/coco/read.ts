import { spawnSync } from 'node:child_process';
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

/** Load a written COCO file with Python's json module and return what it found. */
export function pythonLoad(path: string): { annotations: number; outside: string[] } {
  const script = [
    'import json, sys',
    'd = json.load(open(sys.argv[1]))',
    'size = {i["id"]: (i["width"], i["height"]) for i in d["images"]}',
    'out = [str(a["id"]) for a in d["annotations"] if not (a["bbox"][0] >= 0 and',
    '  a["bbox"][1] >= 0 and a["bbox"][0] + a["bbox"][2] <= size[a["image_id"]][0] and',
    '  a["bbox"][1] + a["bbox"][3] <= size[a["image_id"]][1])]',
    'print(json.dumps({"annotations": len(d["annotations"]), "outside": out}))',
  ].join('\n');
  const run = spawnSync('python3', ['-c', script, path], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`python3 could not load ${path}: ${run.stderr}`);
  return JSON.parse(run.stdout);
}
