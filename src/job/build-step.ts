import { readFile, rm, stat } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { writeRecords } from '../convert.js';
import { writeReleaseDocuments } from '../datasheet/release.js';
import type { DatasetInputs } from '../descriptor/inputs.js';
import type { LoadedDescriptor } from '../descriptor/load.js';
import { resolveSplits, subjectOf } from '../descriptor/splits.js';
import { sha256File } from '../io/hash.js';
import type { Logger } from '../log.js';
import type { LossReportJson } from '../loss.js';
import { Messages } from '../messages.js';
import { streamSet } from '../model/collect.js';
import type { Slide } from '../model/types.js';
import { type BuildResult, buildRelease } from '../release/build.js';
import { mediaTypeFor } from '../release/manifest.js';
import { externalSlides } from './checks.js';
import type { ReleaseJobOptions, ReleaseJobSummary } from './release-job.js';

/** Building the release folder for the job: canonical set, build, documents, loss reports. */

/**
 * Complete the slide records the release carries: every slide in the folder gets one, sizes and
 * microns per pixel come from the slide headers where the annotation files lacked them, and
 * splits, patients and cases from the descriptor.
 */
function completeSlides(loaded: LoadedDescriptor, inputs: DatasetInputs): void {
  for (const [id, info] of inputs.slides) {
    const slide: Slide = inputs.set.slides.get(id) ?? {
      type: 'slide',
      id,
      name: id,
      frame: { origin: 'full-frame', pixelConvention: 'unknown' },
    };
    slide.width ??= info.width;
    slide.height ??= info.height;
    if (!slide.mpp && info.mpp) slide.mpp = { ...info.mpp, source: 'slide' };
    inputs.set.slides.set(id, slide);
  }
  const splits = resolveSplits(loaded, inputs.set, inputs.slides, new Messages());
  for (const slide of inputs.set.slides.values()) {
    const split = splits.get(slide.id);
    if (split) slide.split = split;
    const subject = subjectOf(slide.id, loaded, inputs.set);
    if (subject.patient) slide.patient = subject.patient;
    if (subject.case) slide.case = subject.case;
  }
}

/**
 * The dataset header as published: the descriptor's name, and source files named relative to
 * the dataset folder, so no local path leaks into the release and moving the folder does not
 * change the release id.
 */
function describeSources(loaded: LoadedDescriptor, inputs: DatasetInputs): void {
  const dataset = inputs.set.dataset;
  if (!dataset) return;
  const name = loaded.data.identity?.name;
  if (name) dataset.name = name;
  for (const source of dataset.sources) {
    source.file = relative(loaded.dir, resolve(loaded.dir, source.file)).split(sep).join('/');
  }
}

/**
 * Times written into files where the data has none are the release date (else the newest input
 * file's time), so building the same data twice gives the same files and the same release id,
 * and a re-run finds the release already published.
 */
async function stampReleaseDate(loaded: LoadedDescriptor, inputs: DatasetInputs): Promise<void> {
  if (process.env.SOURCE_DATE_EPOCH) return;
  let time = Date.parse(String(loaded.data.identity?.release_date ?? ''));
  if (!Number.isFinite(time)) {
    const files = [loaded.path, ...inputs.annotationFiles.map((f) => f.path)];
    const times = await Promise.all(files.map(async (f) => (await stat(f)).mtimeMs));
    time = Math.floor(Math.max(...times) / 1000) * 1000;
  }
  process.env.SOURCE_DATE_EPOCH = String(time / 1000);
}

/**
 * Build the release folder in the builds folder. Whatever an earlier run left there under the
 * same version is removed first: it may come from other data.
 */
export async function buildForJob(
  options: ReleaseJobOptions,
  loaded: LoadedDescriptor,
  inputs: DatasetInputs,
  version: string,
  summary: ReleaseJobSummary,
  logger: Logger,
): Promise<{ dir: string; result?: BuildResult } | undefined> {
  const builds = resolve(options.buildDir ?? join('.slidepack', 'builds'));
  await rm(join(builds, version), { recursive: true, force: true });
  completeSlides(loaded, inputs);
  describeSources(loaded, inputs);
  await stampReleaseDate(loaded, inputs);
  const canonical = join(builds, `.${version}.annotations.ndjson`);
  await writeRecords(streamSet(inputs.set), {
    to: 'canonical',
    output: canonical,
    includeDeleted: true,
  });
  try {
    const result = await buildRelease({
      releasesDir: builds,
      version,
      slidesDir: slidesFolder(loaded, inputs),
      annotations: [canonical],
      descriptor: loaded.path,
      ...(loaded.data.identity?.name ? { name: loaded.data.identity.name } : {}),
      ...(options.archive ? { archive: options.archive } : {}),
      documents: (payload, files) => documentsStep(payload, files, loaded, inputs, version),
      externalSlides: externalSlides(loaded),
      logger,
      messages: summary.messages,
    });
    summary.releaseId = result.releaseId;
    summary.leftOut.push(...result.skipped);
    await readLossReports(result.dir, summary);
    return { dir: result.dir, result };
  } finally {
    await rm(canonical, { force: true });
  }
}

function slidesFolder(loaded: LoadedDescriptor, inputs: DatasetInputs): string {
  const spec = loaded.data.files?.slides;
  if (typeof spec === 'string') return resolve(loaded.dir, spec);
  const first = inputs.slideFiles[0];
  return first ? resolve(first, '..') : loaded.dir;
}

async function documentsStep(
  payload: string,
  files: string[],
  loaded: LoadedDescriptor,
  inputs: DatasetInputs,
  version: string,
): Promise<string[]> {
  const described = [];
  for (const path of files) {
    const full = join(payload, path);
    const { size } = await stat(full);
    described.push({ path, size, sha256: await sha256File(full), mediaType: mediaTypeFor(path) });
  }
  return writeReleaseDocuments({
    releaseDir: payload,
    descriptorPath: loaded.path,
    set: inputs.set,
    slides: inputs.slides,
    files: described,
    version,
    dataLicenses: inputs.dataLicenses,
  });
}

/** Per-format object counts and losses, from the loss reports beside each format's files. */
async function readLossReports(dir: string, summary: ReleaseJobSummary): Promise<void> {
  const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as {
    files: { path: string }[];
  };
  summary.releaseId ??= await sha256File(join(dir, 'manifest.json'));
  for (const file of manifest.files.filter((f) => f.path.endsWith('loss-report.json'))) {
    const report = JSON.parse(await readFile(join(dir, file.path), 'utf8')) as LossReportJson;
    summary.formats.push({
      format: report.target,
      written: report.objectsWritten,
      losses: Object.fromEntries(report.losses.map((l) => [l.code, l.count])),
    });
  }
}
