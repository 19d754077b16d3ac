import { open } from 'node:fs/promises';
import type { Converter, SniffResult } from './converter.js';
import { InputError } from './errors.js';
import { converters } from './formats.js';

const HEAD_BYTES = 64 * 1024;

export interface Detection {
  path: string;
  /** The converter chosen, or undefined when no format accepted the file. */
  chosen?: Converter;
  version?: string;
  results: { format: string; result: SniffResult }[];
}

/** Read the first bytes of a file, naming the file when it cannot be read. */
export async function readHead(path: string, bytes = HEAD_BYTES): Promise<Buffer> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, 'r');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a folder' : code;
    throw new InputError(`cannot read the file (${why})`, path);
  }
  try {
    const buffer = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(buffer, 0, bytes, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** Ask every registered format whether it reads this file; the most confident match wins. */
export async function detectFormat(path: string): Promise<Detection> {
  const head = await readHead(path);
  const results: Detection['results'] = [];
  let best: { converter: Converter; result: SniffResult } | undefined;
  for (const converter of converters) {
    if (!converter.read) continue;
    const result = await converter.format.sniff({ path, head });
    results.push({ format: converter.format.id, result });
    if (!result.match) continue;
    if (!best || (result.confidence ?? 0.5) > (best.result.confidence ?? 0.5)) {
      best = { converter, result };
    }
  }
  const detection: Detection = { path, results };
  if (best) {
    detection.chosen = best.converter;
    if (best.result.version) detection.version = best.result.version;
  }
  return detection;
}

/** Detect, or fail with the list of what was tried and why each format said no. */
export async function requireFormat(path: string): Promise<Converter> {
  const detection = await detectFormat(path);
  if (detection.chosen) return detection.chosen;
  const tried = detection.results.map((r) => `${r.format}: ${r.result.reason}`).join('; ');
  throw new InputError(`no format recognised this file (tried ${tried}); use --from`, path);
}
