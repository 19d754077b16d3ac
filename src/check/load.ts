import type { ConvertContext, Converter } from '../converter.js';
import { mergeInputs } from '../convert.js';
import { requireFormat } from '../detect.js';
import { UsageError } from '../errors.js';
import { findConverter } from '../formats.js';
import { silentLogger } from '../log.js';
import { Messages } from '../messages.js';
import { type AnnotationSet, collect } from '../model/collect.js';

export interface LoadOptions {
  /** Source format id; detected per file when absent. */
  from?: string;
  /** Slide id for one-slide-per-file formats. */
  slide?: string;
  context?: ConvertContext;
}

/** The converter that reads a file: the one named, or the one detection picks. */
export async function readerFor(path: string, from?: string): Promise<Converter> {
  const converter = from ? findConverter(from) : await requireFormat(path);
  if (!converter?.read)
    throw new UsageError(`unknown source format "${from}"; see slidepack formats`);
  return converter;
}

/**
 * Read annotation files into one in-memory set through the converters' readers, merged the
 * way `convert` merges them (object ids prefixed by input number when there are several).
 */
export async function loadSet(paths: string[], options: LoadOptions = {}): Promise<AnnotationSet> {
  const context = options.context ?? {
    messages: new Messages(),
    logger: silentLogger,
    options: {},
  };
  const readers = [];
  for (const path of paths) {
    const converter = await readerFor(path, options.from);
    const input = options.slide ? { path, slide: options.slide } : { path };
    readers.push({ converter, path, stream: converter.read!(input, context) });
  }
  return collect(mergeInputs(readers, { inputs: paths }, context));
}
