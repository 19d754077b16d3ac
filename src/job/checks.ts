import { relative, resolve } from 'node:path';
import { validateSet } from '../check/validate.js';
import { writeReleaseDocuments } from '../datasheet/release.js';
import { globToRegExp } from '../descriptor/glob.js';
import type { DatasetInputs } from '../descriptor/inputs.js';
import { readDatasetInputs } from '../descriptor/inputs.js';
import { type LoadedDescriptor, loadDescriptor } from '../descriptor/load.js';
import { requireFormat } from '../detect.js';
import { DataError, SlidepackError } from '../errors.js';
import { silentLogger } from '../log.js';
import { Messages } from '../messages.js';
import { collect } from '../model/collect.js';
import type { DatasetFolder } from './discover.js';
import type { ReleaseJobSummary } from './release-job.js';

/** Extensions of files that look like annotation exports, so an unknown one is worth a word. */
const ANNOTATION_EXTENSIONS = /\.(json|geojson|xml|sqlite|db|ndjson|jsonl)$/i;

/**
 * The checks the release job makes before it builds anything: the folder, the descriptor, the
 * data against both, and everything the datasheet will need.
 */

/**
 * The annotation files and slides the descriptor lists, read. When a file cannot be read at
 * all, each listed file is tried on its own so the summary names every unreadable one.
 */
export async function readInputs(
  loaded: LoadedDescriptor,
  summary: ReleaseJobSummary,
): Promise<DatasetInputs | undefined> {
  try {
    return await readDatasetInputs(loaded, summary.messages);
  } catch (error) {
    if (!(error instanceof SlidepackError)) throw error;
  }
  for (const entry of loaded.data.files?.annotations ?? []) {
    const path = resolve(loaded.dir, typeof entry === 'string' ? entry : entry.path);
    const problem = await readProblem(path);
    if (problem) summary.messages.error('dataset/unreadable-annotations', problem, { file: path });
  }
  summary.blocked.push(
    'annotation files listed in dataset.yaml cannot be read (listed above): repair them, or ' +
      'take them out of files.annotations',
  );
  return undefined;
}

/** Why one annotation file cannot be read, or undefined when it reads. */
async function readProblem(path: string): Promise<string | undefined> {
  const messages = new Messages();
  try {
    const converter = await requireFormat(path);
    const context = { messages, logger: silentLogger, options: {} };
    await collect(converter.read!({ path }, context));
  } catch (error) {
    return error instanceof Error ? error.message.replace(`${path}: `, '') : String(error);
  }
  const first = messages.list.find((m) => m.severity === 'error');
  return first && `${first.place ? `${first.place}: ` : ''}${first.message}`;
}

/** Folder-level problems and the descriptor; undefined when they block. */
export async function prepare(
  found: DatasetFolder,
  summary: ReleaseJobSummary,
): Promise<LoadedDescriptor | undefined> {
  for (const message of found.messages.list) summary.messages.add(message);
  if (found.slides.length === 0) {
    summary.blocked.push(
      `no slides found in ${found.root}: put the slide images (SVS, NDPI, TIFF, DICOM…) in it`,
    );
  }
  if (!found.descriptor) {
    summary.blocked.push(
      `no dataset.yaml in ${found.root}: run "slidepack init ${found.root}" and answer its TODOs`,
    );
  }
  if (summary.messages.hasErrors) summary.blocked.push('some files cannot be read (listed above)');
  if (summary.blocked.length || !found.descriptor) return undefined;
  return loadDescriptor(found.descriptor);
}

/**
 * The descriptor and the folder must agree: annotation files found but not listed are left out
 * with a warning; objects on slides that are not in the folder block the release.
 */
export function checkInputs(
  found: DatasetFolder,
  loaded: LoadedDescriptor,
  inputs: DatasetInputs,
  summary: ReleaseJobSummary,
): void {
  const listed = new Set(inputs.annotationFiles.map((f) => resolve(f.path)));
  for (const file of found.ignored) {
    if (!ANNOTATION_EXTENSIONS.test(file.path)) continue;
    summary.messages.warn('dataset/unknown-file', `${file.reason}; left out`, { file: file.path });
  }
  for (const file of found.annotations) {
    if (listed.has(resolve(file.path))) continue;
    summary.messages.warn('dataset/unlisted-file', 'is not listed in files.annotations; left out', {
      file: file.path,
      place: relative(found.root, loaded.path),
    });
  }
  const elsewhere = externalSlides(loaded);
  const missing = new Set<string>();
  for (const object of inputs.set.objects) {
    if (inputs.slides.has(object.slide) || missing.has(object.slide)) continue;
    if (!elsewhere(object.slide)) missing.add(object.slide);
  }
  for (const slide of missing) {
    summary.messages.error(
      'dataset/missing-slide',
      `annotations refer to slide "${slide}", which is not in the slides folder ` +
        '(add it, or name it under files.external_slides with where to get it)',
      {
        file: loaded.path,
        place: 'files.slides',
      },
    );
  }
  for (const message of validateSet(inputs.set, {
    slides: inputs.slides,
    readMessages: summary.messages.list,
  })) {
    // Slides missing from the folder were checked above, external ones allowed.
    if (message.ruleId !== 'slide/not-found') summary.messages.add(message);
  }
}

/** The datasheet checks (must fields, splits, leakage, licenses) without writing anything. */
export async function checkDocuments(
  loaded: LoadedDescriptor,
  inputs: DatasetInputs,
  summary: ReleaseJobSummary,
): Promise<void> {
  try {
    await writeReleaseDocuments({
      releaseDir: '',
      descriptorPath: loaded.path,
      set: inputs.set,
      slides: inputs.slides,
      files: [],
      version: loaded.data.identity?.version ?? '0.0.0',
      messages: summary.messages,
      dataLicenses: inputs.dataLicenses,
      dryRun: true,
    });
  } catch (error) {
    if (!(error instanceof DataError)) throw error;
  }
}

/** True when the summary holds errors; says what to do about them. */
export function block(summary: ReleaseJobSummary): boolean {
  if (!summary.messages.hasErrors) return false;
  summary.blocked.push(
    `${summary.messages.count('error')} error(s) in the data or the descriptor (listed above): ` +
      'fix them and run again; nothing was published',
  );
  return true;
}

/** Whether a slide id is one `files.external_slides` says is distributed elsewhere. */
export function externalSlides(loaded: LoadedDescriptor): (slideId: string) => boolean {
  const patterns = (loaded.data.files?.external_slides?.slides ?? []).map(globToRegExp);
  return (slideId) => patterns.some((pattern) => pattern.test(slideId));
}
