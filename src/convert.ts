import { stat } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';
import type { ConvertContext, Converter, RecordWriter, WriteContext } from './converter.js';
import { requireFormat } from './detect.js';
import { DataError, InputError, UsageError } from './errors.js';
import { findConverter, formatIds } from './formats.js';
import { type Logger, silentLogger } from './log.js';
import { LossReport } from './loss.js';
import { Messages } from './messages.js';
import type {
  AnnotationObject,
  CanonicalRecord,
  DatasetHeader,
  DictionaryRecord,
  RecordStream,
} from './model/types.js';

export interface ConvertRequest {
  inputs: string[];
  to: string;
  /** Output file or folder; `-` or undefined writes to stdout where the format allows. */
  output?: string;
  from?: string;
  /** Slide id for one-slide-per-file inputs; defaults to each file's name. */
  slide?: string;
  includeDeleted?: boolean;
  /** Any loss fails the conversion and nothing is written. */
  strict?: boolean;
  options?: Record<string, unknown>;
  messages?: Messages;
  logger?: Logger;
}

export interface ConvertResult {
  loss: LossReport;
  messages: Messages;
  outputs: string[];
}

/**
 * Convert annotation files to another format through the canonical model: detect, read as a
 * stream, write as a stream, and report what the target could not hold.
 */
export async function convert(request: ConvertRequest): Promise<ConvertResult> {
  const target = resolveTarget(request.to);
  const context: ConvertContext = {
    messages: request.messages ?? new Messages(),
    logger: request.logger ?? silentLogger,
    options: request.options ?? {},
  };
  const readers = await resolveReaders(request, context);
  await refuseOverwritingInputs(request);
  const loss = new LossReport(
    target.format.id,
    readers.map((r) => r.converter.format.id),
  );
  // Readers are lazy generators, so they see the report although it is made after them.
  context.loss = loss;
  const writeContext: WriteContext = { ...context, loss };

  const sink = await openSink(target, request.output ?? '-', writeContext, request.inputs);
  try {
    for await (const record of mergeInputs(readers, request, context)) {
      await routeRecord(record, sink, target, request, loss);
    }
    await finishOrAbort(sink, loss, context.messages, request.strict ?? false);
  } catch (error) {
    await sink.abort();
    throw error;
  }
  return { loss, messages: context.messages, outputs: sink.outputs() };
}

/**
 * Write a record stream that is already in memory or made by code (not read from files) to a
 * format, with the same sinks, deleted-object rule and loss report as {@link convert}.
 */
export async function writeRecords(
  records: RecordStream,
  request: Pick<ConvertRequest, 'to' | 'output' | 'includeDeleted' | 'options' | 'logger'>,
): Promise<LossReport> {
  const target = resolveTarget(request.to);
  const messages = new Messages();
  const loss = new LossReport(target.format.id);
  const context: WriteContext = {
    messages,
    logger: request.logger ?? silentLogger,
    options: request.options ?? {},
    loss,
  };
  const sink = await openSink(target, request.output ?? '-', context);
  try {
    for await (const record of records) {
      await routeRecord(record, sink, target, { inputs: [], ...request }, loss);
    }
    await finishOrAbort(sink, loss, messages, false);
  } catch (error) {
    await sink.abort();
    throw error;
  }
  return loss;
}

/** Inputs are never modified: an output path that is one of the inputs is refused up front. */
async function refuseOverwritingInputs(request: ConvertRequest): Promise<void> {
  if (!request.output || request.output === '-') return;
  const out = await stat(request.output).catch(() => undefined);
  for (const input of request.inputs) {
    const info = await stat(input).catch(() => undefined);
    const same = out && info ? out.ino === info.ino && out.dev === info.dev : false;
    if (same || resolve(input) === resolve(request.output)) {
      throw new UsageError(`the output ${request.output} is an input; write to another file`);
    }
  }
}

function resolveTarget(id: string): Converter {
  const target = findConverter(id);
  if (!target?.createWriter) {
    throw new UsageError(`unknown target format "${id}"; choose one of ${formatIds().join(', ')}`);
  }
  return target;
}

interface Reader {
  converter: Converter;
  path: string;
  stream: RecordStream;
}

async function resolveReaders(request: ConvertRequest, context: ConvertContext) {
  if (request.inputs.length === 0) throw new UsageError('give at least one input file');
  const readers: Reader[] = [];
  for (const path of request.inputs) {
    const converter = request.from ? findConverter(request.from) : await requireFormat(path);
    if (!converter?.read) {
      throw new UsageError(`unknown source format "${request.from}"; see slidepack formats`);
    }
    context.logger.verbose(`${path}: reading as ${converter.format.id}`);
    const input = request.slide ? { path, slide: request.slide } : { path };
    readers.push({ converter, path, stream: converter.read(input, context) });
  }
  return readers;
}

/**
 * One record stream from several inputs: their dataset headers merged into one, dictionary
 * records passed once per id, and object ids prefixed by input number when there are several
 * inputs so that ids from different files cannot collide.
 */
export async function* mergeInputs(
  readers: Reader[],
  request: Pick<ConvertRequest, 'inputs'>,
  context: ConvertContext,
): RecordStream {
  const iterators = readers.map((r) => r.stream[Symbol.asyncIterator]());
  const firsts = await Promise.all(iterators.map((it) => it.next()));
  yield mergeHeaders(
    firsts.map((f) => (f.done ? undefined : f.value)),
    readers,
  );

  const seen = new Set<string>();
  const prefix = request.inputs.length > 1;
  for (const [n, it] of iterators.entries()) {
    const first = firsts[n]!;
    let next = first.done || first.value.type === 'dataset' ? await it.next() : first;
    while (!next.done) {
      const record = next.value;
      if (record.type === 'object') yield prefix ? prefixObject(record, n + 1) : record;
      else if (record.type !== 'dataset' && !seen.has(`${record.type}:${record.id}`)) {
        seen.add(`${record.type}:${record.id}`);
        yield record;
      }
      next = await it.next();
    }
    context.logger.verbose(`${readers[n]!.path}: read`);
  }
}

function mergeHeaders(headers: (CanonicalRecord | undefined)[], readers: Reader[]): DatasetHeader {
  const merged: DatasetHeader = { type: 'dataset', schema: 'slidepack.canonical/1', sources: [] };
  for (const [n, header] of headers.entries()) {
    if (header?.type !== 'dataset') {
      merged.sources.push({ format: readers[n]!.converter.format.id, file: readers[n]!.path });
      continue;
    }
    merged.sources.push(...header.sources);
    if (header.name && !merged.name) merged.name = header.name;
    if (header.extras) merged.extras = { ...header.extras, ...merged.extras };
  }
  return merged;
}

/**
 * The slide a one-slide-per-file annotation file belongs to, among known slide file names: the
 * one whose name without extension equals the annotation file's (`case1.geojson` → `case1.svs`).
 */
export function slideForFile(path: string, slideNames: Iterable<string>): string | undefined {
  const stem = stemOf(basename(path));
  for (const name of slideNames) if (stemOf(name) === stem) return name;
  return undefined;
}

function stemOf(name: string): string {
  return name.replace(/\.(ome\.tiff?|[^.]+)$/i, '').toLowerCase();
}

function prefixObject(object: AnnotationObject, n: number): AnnotationObject {
  const copy = { ...object, id: `${n}/${object.id}` };
  if (object.parent) copy.parent = `${n}/${object.parent}`;
  if (object.partOf) copy.partOf = { ...object.partOf, id: `${n}/${object.partOf.id}` };
  return copy;
}

async function routeRecord(
  record: CanonicalRecord,
  sink: Sink,
  target: Converter,
  request: ConvertRequest,
  loss: LossReport,
): Promise<void> {
  if (record.type !== 'object') return sink.dictionary(record);
  loss.objectsRead += 1;
  const keepDeleted = request.includeDeleted || target.format.capabilities.deletedFlag;
  if (record.flags?.deleted && !keepDeleted) {
    loss.add('DELETED_EXCLUDED', record.id);
    return;
  }
  await sink.object(record);
}

async function finishOrAbort(
  sink: Sink,
  loss: LossReport,
  messages: Messages,
  strict: boolean,
): Promise<void> {
  if (messages.hasErrors) {
    await sink.abort();
    const errors = messages.count('error');
    throw new DataError(
      `${errors} error(s) in the input`,
      messages.list,
      messages.list.length + Object.values(messages.omitted()).reduce((a, b) => a + b, 0),
    );
  }
  if (strict && loss.lossy) {
    await sink.abort();
    const error = new DataError(
      '--strict: the target could not hold everything, so nothing was written (losses: ' +
        `${loss
          .entriesList()
          .map((e) => `${e.code} ${e.count}`)
          .join(', ')})`,
      [],
    );
    error.report = loss;
    throw error;
  }
  await sink.end();
}

/** Where records go: one writer, or one per slide for one-slide-per-file formats. */
interface Sink {
  dictionary(record: DictionaryRecord): Promise<void>;
  object(record: AnnotationObject): Promise<void>;
  end(): Promise<void>;
  abort(): Promise<void>;
  outputs(): string[];
}

async function openSink(
  target: Converter,
  output: string,
  context: WriteContext,
  inputs: string[] = [],
): Promise<Sink> {
  if (output === '-' && target.format.binary) {
    throw new UsageError(`${target.format.name} cannot be written to stdout; give -o <file>`);
  }
  if (target.format.multiSlide) return singleWriterSink(target, output, context);
  const folder = await isFolderTarget(output, target);
  return folder
    ? new SlideFolderSink(target, output, context, inputs)
    : singleSlideFileSink(target, output, context);
}

async function singleWriterSink(target: Converter, path: string, context: WriteContext) {
  const writer = await target.createWriter!({ path }, context);
  return {
    dictionary: async (record: DictionaryRecord) => writer.write(record),
    object: async (record: AnnotationObject) => writer.write(record),
    end: () => writer.end(),
    abort: () => writer.abort(),
    outputs: () => (path === '-' ? [] : [path]),
  } satisfies Sink;
}

/** A one-slide format written to one file: a second slide is an error naming the fix. */
async function singleSlideFileSink(target: Converter, path: string, context: WriteContext) {
  const sink = new SlideFolderSink(target, path, context);
  sink.singleFile = true;
  return sink;
}

async function isFolderTarget(output: string, target: Converter): Promise<boolean> {
  if (output === '-') return false;
  if (output.endsWith('/')) return true;
  const info = await stat(output).catch(() => undefined);
  if (info) return info.isDirectory();
  return !target.format.extensions.includes(extname(output).toLowerCase());
}

/** One file per slide in a folder, named after the slide; dictionary records go to each. */
class SlideFolderSink implements Sink {
  singleFile = false;
  private readonly dictionaries: DictionaryRecord[] = [];
  private readonly slides = new Map<string, DictionaryRecord>();
  private readonly writers = new Map<string, RecordWriter>();
  private readonly paths: string[] = [];
  private readonly usedNames = new Set<string>();

  private readonly inputs: Set<string>;

  constructor(
    private readonly target: Converter,
    private readonly output: string,
    private readonly context: WriteContext,
    inputs: string[] = [],
  ) {
    this.inputs = new Set(inputs.map((p) => resolve(p)));
  }

  async dictionary(record: DictionaryRecord): Promise<void> {
    if (record.type === 'slide') this.slides.set(record.id, record);
    else this.dictionaries.push(record);
    for (const writer of this.writers.values()) {
      if (record.type !== 'slide') await writer.write(record);
    }
  }

  async object(record: AnnotationObject): Promise<void> {
    const writer = this.writers.get(record.slide) ?? (await this.openWriter(record.slide));
    await writer.write(record);
  }

  /** Slides with no objects still get a file, so every slide of the input is present. */
  async end(): Promise<void> {
    for (const id of this.slides.keys()) {
      if (!this.writers.has(id) && !(this.singleFile && this.writers.size > 0)) {
        await this.openWriter(id);
      }
    }
    for (const writer of this.writers.values()) await writer.end();
  }

  async abort(): Promise<void> {
    for (const writer of this.writers.values()) await writer.abort();
  }

  outputs(): string[] {
    return this.paths;
  }

  private async openWriter(slideId: string): Promise<RecordWriter> {
    if (this.singleFile && this.writers.size > 0) {
      throw new InputError(
        `the input holds several slides but ${this.target.format.name} holds one per file; ` +
          'give a folder with -o to write one file per slide',
        this.output === '-' ? 'stdout' : this.output,
      );
    }
    const path = this.singleFile ? this.output : this.slidePath(slideId);
    if (this.inputs.has(resolve(path))) {
      throw new UsageError(`writing ${path} would overwrite an input; give another -o folder`);
    }
    const writer = await this.target.createWriter!({ path }, this.context);
    this.writers.set(slideId, writer);
    if (path !== '-') this.paths.push(path);
    for (const record of this.dictionaries) await writer.write(record);
    const slide = this.slides.get(slideId);
    if (slide) await writer.write(slide);
    return writer;
  }

  private slidePath(slideId: string): string {
    const slide = this.slides.get(slideId);
    const name = slide?.type === 'slide' ? slide.name : slideId;
    const stem = basename(name).replace(/\.[^.]+$/, '') || 'slide';
    const unique = this.usedNames.has(stem) ? `${stem}-${this.usedNames.size + 1}` : stem;
    this.usedNames.add(unique);
    return join(this.output, `${unique}${this.target.format.extensions[0] ?? ''}`);
  }
}
