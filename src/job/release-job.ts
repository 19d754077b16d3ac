import { readFile, rm, stat } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { computeStats, type DatasetStats } from '../stats/index.js';
import { validateSet } from '../check/validate.js';
import { writeReleaseDocuments } from '../datasheet/release.js';
import { type DatasetInputs, readDatasetInputs } from '../descriptor/inputs.js';
import { type LoadedDescriptor, loadDescriptor } from '../descriptor/load.js';
import { globToRegExp } from '../descriptor/glob.js';
import { resolveSplits, subjectOf } from '../descriptor/splits.js';
import { writeRecords } from '../convert.js';
import { DataError, PublishError } from '../errors.js';
import { sha256File } from '../io/hash.js';
import { type Logger, silentLogger } from '../log.js';
import type { LossReportJson } from '../loss.js';
import { Messages } from '../messages.js';
import { streamSet } from '../model/collect.js';
import { type BuildResult, buildRelease } from '../release/build.js';
import { mediaTypeFor } from '../release/manifest.js';
import { publishRelease } from '../publish/publish.js';
import type { S3Options } from '../publish/s3-client.js';
import { verifyRelease } from '../publish/verify.js';
import { type DatasetFolder, discoverDataset } from './discover.js';

export interface ReleaseJobOptions {
  folder: string;
  /** Default: the descriptor's identity.version. */
  version?: string;
  /** `s3://bucket/prefix` or `file:///path`; default the local store `./releases`. */
  to?: string;
  s3?: S3Options;
  public?: boolean;
  archive?: 'zip' | 'tar.gz';
  /** Where release folders are assembled before publishing (default `.slidepack/builds`). */
  buildDir?: string;
  logger?: Logger;
}

/** What the job did, for the closing summary and `--json`. */
export interface ReleaseJobSummary {
  ok: boolean;
  folder: string;
  version?: string;
  releaseId?: string;
  publishedTo?: string;
  verified?: { files: number; bytes: number };
  slides: number;
  objects: number;
  classes: Record<string, number>;
  annotators: Record<string, number>;
  formats: { format: string; written: number; losses: Record<string, number> }[];
  leftOut: { step: string; reason: string }[];
  /** What stopped the release, each with what to do about it. */
  blocked: string[];
  messages: Messages;
}

/**
 * The main job: a dataset folder of slides, annotation files and a descriptor becomes a
 * validated, documented, checksummed release published to a store. Every check runs before
 * anything is built; a problem blocks the release and nothing is published.
 */
export async function runReleaseJob(options: ReleaseJobOptions): Promise<ReleaseJobSummary> {
  const logger = options.logger ?? silentLogger;
  const messages = new Messages();
  const summary = emptySummary(options.folder, messages);

  logger.info(`reading ${options.folder}`);
  const found = await discoverDataset(options.folder);
  const loaded = await prepare(found, summary);
  if (!loaded) return summary;

  logger.info(
    `reading ${found.annotations.length} annotation file(s) and ${found.slides.length} slide(s)`,
  );
  const inputs = await readDatasetInputs(loaded, messages);
  checkInputs(found, loaded, inputs, summary);
  const stats = computeStats(inputs.set, { slides: inputs.slides });
  fillCounts(summary, stats, inputs);
  await checkDocuments(loaded, inputs, summary);
  if (block(summary)) return summary;

  const version = options.version ?? loaded.data.identity?.version ?? '';
  summary.version = version;
  const build = await buildOrReuse(options, loaded, inputs, version, summary, logger);
  if (!build) return summary;

  await publishAndVerify(options, build, summary, logger);
  return summary;
}

function emptySummary(folder: string, messages: Messages): ReleaseJobSummary {
  return {
    ok: false,
    folder,
    slides: 0,
    objects: 0,
    classes: {},
    annotators: {},
    formats: [],
    leftOut: [],
    blocked: [],
    messages,
  };
}

/** Folder-level problems and the descriptor; undefined when they block. */
async function prepare(
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
function checkInputs(
  found: DatasetFolder,
  loaded: LoadedDescriptor,
  inputs: DatasetInputs,
  summary: ReleaseJobSummary,
): void {
  const listed = new Set(inputs.annotationFiles.map((f) => resolve(f.path)));
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
  for (const message of validateSet(inputs.set, { slides: inputs.slides })) {
    // Slides missing from the folder were checked above, external ones allowed.
    if (message.ruleId !== 'slide/not-found') summary.messages.add(message);
  }
}

function fillCounts(summary: ReleaseJobSummary, stats: DatasetStats, inputs: DatasetInputs): void {
  summary.slides = new Set([...inputs.slides.keys(), ...inputs.set.slides.keys()]).size;
  summary.objects = stats.objects;
  summary.classes = stats.byClass;
  summary.annotators = Object.fromEntries(stats.annotators.map((a) => [a.id, a.labels]));
}

/** The datasheet checks (must fields, splits, leakage, licenses) without writing anything. */
async function checkDocuments(
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
function block(summary: ReleaseJobSummary): boolean {
  if (!summary.messages.hasErrors) return false;
  summary.blocked.push(
    `${summary.messages.count('error')} error(s) in the data or the descriptor (listed above): ` +
      'fix them and run again; nothing was published',
  );
  return true;
}

/** Apply the descriptor's splits and subjects to the slide records the release carries. */
function applySubjects(loaded: LoadedDescriptor, inputs: DatasetInputs): void {
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
 * Times written into files where the data has none are the release date, so building the same
 * data twice gives the same files and the same release id (a re-run finds it published).
 */
function stampReleaseDate(loaded: LoadedDescriptor): void {
  const date = Date.parse(String(loaded.data.identity?.release_date ?? ''));
  if (!process.env.SOURCE_DATE_EPOCH && Number.isFinite(date)) {
    process.env.SOURCE_DATE_EPOCH = String(date / 1000);
  }
}

/**
 * Build the release folder, or reuse a complete build of the same version left by a run that
 * stopped before publishing (a release is never rebuilt in place).
 */
async function buildOrReuse(
  options: ReleaseJobOptions,
  loaded: LoadedDescriptor,
  inputs: DatasetInputs,
  version: string,
  summary: ReleaseJobSummary,
  logger: Logger,
): Promise<{ dir: string; result?: BuildResult } | undefined> {
  const builds = resolve(options.buildDir ?? join('.slidepack', 'builds'));
  const dir = join(builds, version);
  if (await stat(join(dir, 'manifest.json')).catch(() => undefined)) {
    logger.info(`reusing the complete build of ${version} in ${dir}`);
    await readLossReports(dir, summary);
    return { dir };
  }
  applySubjects(loaded, inputs);
  stampReleaseDate(loaded);
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

/** Whether a slide id is one `files.external_slides` says is distributed elsewhere. */
function externalSlides(loaded: LoadedDescriptor): (slideId: string) => boolean {
  const patterns = (loaded.data.files?.external_slides?.slides ?? []).map(globToRegExp);
  return (slideId) => patterns.some((pattern) => pattern.test(slideId));
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

async function publishAndVerify(
  options: ReleaseJobOptions,
  build: { dir: string },
  summary: ReleaseJobSummary,
  logger: Logger,
): Promise<void> {
  const to = options.to ?? pathToFileURL(resolve('releases')).href;
  const s3 = options.s3 ?? {};
  logger.info(`publishing ${summary.version} to ${to}`);
  const published = await publishRelease({
    release: build.dir,
    to,
    s3,
    public: options.public ?? false,
    logger,
  }).catch(async (error: unknown) => {
    if (error instanceof PublishError && error.code === 'AlreadyPublishedIdentical') {
      logger.info(`${summary.version} is already published with the same content`);
      return { version: summary.version ?? '', releaseId: summary.releaseId ?? '' };
    }
    if (!(error instanceof PublishError) || error.code !== 'AlreadyPublished') throw error;
    // This build can never be published under its version: drop it so the next run rebuilds.
    await rm(build.dir, { recursive: true, force: true });
    summary.blocked.push(
      `${error.message} (raise identity.version in dataset.yaml or pass --release-version)`,
    );
    return undefined;
  });
  if (!published) return;
  summary.releaseId = published.releaseId;
  summary.publishedTo = to;

  logger.info('verifying the published release');
  const report = await verifyRelease(to, { s3, version: published.version, logger });
  if (report.missing.length || report.bad.length) {
    summary.blocked.push(
      `the published release does not verify: ${report.bad.length} bad, ${report.missing.length} missing`,
    );
    return;
  }
  summary.verified = { files: report.checked, bytes: report.bytes };
  summary.ok = true;
  await rm(build.dir, { recursive: true, force: true });
}
