import { stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { InputError, UsageError } from '../errors.js';
import { silentLogger } from '../log.js';
import type { LossReportJson } from '../loss.js';
import { type Message, Messages } from '../messages.js';
import type { SlideInfo } from '../slide/info.js';
import { readSlideInfos } from '../slide/inputs.js';
import { fixSet, writeSet } from './fix.js';
import { loadSet, readerFor } from './load.js';
import { validateSet } from './validate.js';

export interface ValidateFilesRequest {
  inputs: string[];
  /** Folder (or files) of slide images to check bounds and existence against. */
  slides?: string[];
  from?: string;
  slide?: string;
  /** Write repaired copies here: a file for one input, a folder for several. */
  fixOutput?: string;
}

export interface FileReport {
  file: string;
  format?: string;
  objects: number;
  messages: Message[];
  repairs: Message[];
  output?: string;
  loss?: LossReportJson;
}

/** Validate each annotation file on its own; one unreadable file does not stop the rest. */
export async function validateFiles(request: ValidateFilesRequest): Promise<{
  files: FileReport[];
  slideProblems: Message[];
}> {
  if (request.fixOutput && request.inputs.length > 1 && !(await isFolder(request.fixOutput))) {
    throw new UsageError('with several inputs, -o must be an existing folder for the fixed files');
  }
  const { slides, problems } = await loadSlides(request.slides ?? []);
  const files: FileReport[] = [];
  for (const file of request.inputs) files.push(await validateOne(file, request, slides));
  return { files, slideProblems: problems };
}

async function validateOne(
  file: string,
  request: ValidateFilesRequest,
  slides: Map<string, SlideInfo> | undefined,
): Promise<FileReport> {
  const report: FileReport = { file, objects: 0, messages: [], repairs: [] };
  const size = (await stat(file).catch(() => undefined))?.size;
  if (size === 0) {
    report.messages.push({
      severity: 'error',
      ruleId: 'file/empty',
      message: 'the file is empty (0 bytes)',
      file,
    });
    return report;
  }
  const messages = new Messages();
  const context = { messages, logger: silentLogger, options: {} };
  try {
    const converter = await readerFor(file, request.from);
    report.format = converter.format.id;
    const set = await loadSet([file], { ...pick(request), context });
    report.objects = set.objects.length;
    report.messages.push(...messages.list);
    report.messages.push(
      ...validateSet(set, {
        file,
        format: converter.format.id,
        readMessages: messages.list,
        ...(slides ? { slides } : {}),
      }),
    );
    if (request.fixOutput && !messages.hasErrors) {
      const fixed = fixSet(set, { file, format: converter.format.id });
      report.repairs = fixed.repairs;
      report.output = await outputPath(request, file);
      report.loss = (await writeSet(fixed.set, converter, report.output, context)).toJSON();
    }
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    report.messages.push(...messages.list);
    report.messages.push({
      severity: 'error',
      ruleId: 'file/unreadable',
      message: error.message,
      file,
    });
  }
  return report;
}

function pick(request: ValidateFilesRequest) {
  return {
    ...(request.from ? { from: request.from } : {}),
    ...(request.slide ? { slide: request.slide } : {}),
  };
}

async function isFolder(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isDirectory() ?? false;
}

async function outputPath(request: ValidateFilesRequest, file: string): Promise<string> {
  const out = request.fixOutput!;
  return (await isFolder(out)) ? join(out, basename(file)) : out;
}

/** Slide metadata keyed by file name; slides that cannot be read become messages. */
async function loadSlides(paths: string[]) {
  const problems: Message[] = [];
  if (paths.length === 0) return { slides: undefined, problems };
  // A mistyped --slides would otherwise report every annotated slide as not found.
  for (const path of paths) {
    if (!(await stat(path).catch(() => undefined))) {
      throw new InputError('--slides: no such file or folder', path);
    }
  }
  const { slides, problems: unreadable } = await readSlideInfos(paths);
  for (const { path, message } of unreadable) {
    problems.push({ severity: 'warning', ruleId: 'slide/unreadable', message, file: path });
  }
  return { slides, problems };
}
