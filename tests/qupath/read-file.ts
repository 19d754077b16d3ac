import { qupathGeojson } from '../../converters/qupath-geojson/index.js';
import { silentLogger } from '../../src/log.js';
import { Messages } from '../../src/messages.js';
import { collect } from '../../src/model/collect.js';

/** Read one hand-made file; every message is returned so tests can assert there were none. */
export async function readFile(path: string, slide?: string) {
  const messages = new Messages();
  const input = slide ? { path, slide } : { path };
  const set = await collect(
    qupathGeojson.read!(input, { messages, logger: silentLogger, options: {} }),
  );
  return { set, messages: messages.list };
}
