import { execFileSync } from 'node:child_process';
import type { Converter } from '../../src/converter.js';
import { convert } from '../../src/convert.js';
import { findConverter } from '../../src/formats.js';
import { silentLogger } from '../../src/log.js';
import { LossReport } from '../../src/loss.js';
import { Messages } from '../../src/messages.js';
import { type AnnotationSet, collect } from '../../src/model/collect.js';

/** Read a file with one converter into memory, with its messages and reader notes. */
export async function readSet(
  format: string,
  path: string,
  options: Record<string, unknown> = {},
  slide?: string,
): Promise<{ set: AnnotationSet; messages: Messages; loss: LossReport }> {
  const converter = findConverter(format) as Converter;
  const messages = new Messages();
  const loss = new LossReport('canonical', [format]);
  const input = slide ? { path, slide } : { path };
  const context = { messages, logger: silentLogger, options, loss };
  const set = await collect(converter.read!(input, context));
  return { set, messages, loss };
}

/** Convert in-process; the loss report and messages come back. */
export function convertFile(
  input: string,
  to: string,
  output: string,
  options: Record<string, unknown> = {},
) {
  return convert({ inputs: [input], to, output, options });
}

/** Parse a file with Python's xml.etree and count elements by tag. */
export function pythonCount(path: string, tag: string): number {
  const script =
    'import sys, xml.etree.ElementTree as ET\n' +
    'root = ET.parse(sys.argv[1]).getroot()\n' +
    'print(sum(1 for _ in root.iter(sys.argv[2])))';
  return Number(execFileSync('python3', ['-c', script, path, tag], { encoding: 'utf8' }).trim());
}

/** float32 keeps about 7 significant digits: 0.01 px covers coordinates up to ~100 000. */
export const FLOAT32_TOLERANCE = 0.01;
