import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { copyFile, mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { InputError } from '../errors.js';
import { forgetTemporary, trackTemporary } from '../io/atomic.js';
import { sha256File } from '../io/hash.js';
import { hashWithParts, PART_SIZE, type PartDigests, writePartDigests } from './parts.js';
import { type Logger, silentLogger } from '../log.js';
import { Messages } from '../messages.js';
import { writeArchive } from './archive.js';
import { writeBagTags, writeTagManifest } from './bagit.js';
import { listFiles, scanSlides } from './inputs.js';
import {
  type Manifest,
  MANIFEST_SCHEMA,
  type ManifestFile,
  mediaTypeFor,
  releaseId,
  SLIDES_FOLDER,
  serializeManifest,
} from './manifest.js';
import { type ReleaseEntry, type ReleasePlan, planRelease } from './plan.js';
import { applyEntry, type StepContext, writableFormats } from './steps.js';
import { requireVersion } from './version.js';

/** Writes extra documents (datasheet, Croissant, CITATION.cff) into the payload folder. */
export type DocumentsStep = (payloadDir: string, files: string[]) => Promise<string[]>;

export interface BuildOptions {
  /** Folder holding one sub-folder per version. */
  releasesDir: string;
  version: string;
  slidesDir: string;
  annotations: string[];
  descriptor?: string;
  name?: string;
  /** Target formats; default every registered writable format. */
  formats?: string[];
  thumbnails?: boolean;
  archive?: 'zip' | 'tar.gz';
  /**
   * Called with the payload folder (`<release>/data`) and the payload files written so far
   * (relative to it); returns the files it wrote. Everything in the payload folder afterwards
   * goes into the manifest.
   */
  documents?: DocumentsStep;
  /** Slides the annotations name that are distributed elsewhere (not a missing image). */
  externalSlides?: (slideId: string) => boolean;
  logger?: Logger;
  messages?: Messages;
}

export interface BuildResult {
  dir: string;
  version: string;
  releaseId: string;
  manifest: Manifest;
  skipped: { step: string; reason: string }[];
  messages: Messages;
}

/** Build a release folder: plan, apply in a temporary folder, then rename into place. */
export async function buildRelease(options: BuildOptions): Promise<BuildResult> {
  const version = requireVersion(options.version).text;
  const logger = options.logger ?? silentLogger;
  const finalDir = resolve(options.releasesDir, version);
  await refuseExisting(finalDir, version);

  logger.info(`hashing slides in ${options.slidesDir}`);
  const plan = planRelease({
    version,
    slides: await scanSlides(options.slidesDir),
    annotations: options.annotations,
    formats: writableFormats(options.formats),
    ...(options.descriptor ? { descriptor: options.descriptor } : {}),
    thumbnails: options.thumbnails ?? true,
    ...(options.archive ? { archive: options.archive } : {}),
  });
  if (plan.problems.length) throw new InputError(`cannot build: ${plan.problems.join('; ')}`);

  const temp = join(dirname(finalDir), `.${version}.building-${randomBytes(4).toString('hex')}`);
  trackTemporary(temp);
  try {
    const parts = new Map<string, PartDigests>();
    const result = await applyPlan(plan, temp, options, logger, parts);
    await moveIntoPlace(temp, finalDir, version);
    forgetTemporary(temp);
    await keepPartDigests(finalDir, parts, logger);
    logger.info(`release ${version} built in ${finalDir} (id ${result.releaseId})`);
    return { ...result, dir: finalDir };
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    forgetTemporary(temp);
    throw explainBuildError(error, finalDir);
  }
}

/** Part digests spare publishing a second pass over large files; without them it still works. */
async function keepPartDigests(dir: string, parts: Map<string, PartDigests>, logger: Logger) {
  if (!parts.size) return;
  await writePartDigests(dir, parts).catch((error: Error) => {
    logger.warn(
      `could not keep the part digests beside ${dir} (${error.message}); ` +
        'publishing will hash large files twice',
    );
  });
}

async function refuseExisting(dir: string, version: string): Promise<void> {
  if (await stat(dir).catch(() => undefined)) {
    throw new InputError(
      `version ${version} already exists; a release is never rebuilt in place, choose a new version`,
      dir,
    );
  }
}

async function applyPlan(
  plan: ReleasePlan,
  dir: string,
  options: BuildOptions,
  logger: Logger,
  parts: Map<string, PartDigests>,
): Promise<Omit<BuildResult, 'dir'>> {
  const context: StepContext = {
    dir,
    logger,
    messages: options.messages ?? new Messages(),
    skipped: [],
    slideNames: plan.entries.flatMap((e) => (e.kind === 'slide' ? [e.path] : [])),
    ...(options.externalSlides ? { externalSlides: options.externalSlides } : {}),
  };
  await mkdir(join(dir, 'data'), { recursive: true });
  for (const entry of plan.entries) {
    if (entry.kind === 'slide') await copySlide(entry, dir);
    else if (entry.kind === 'documents') await runDocuments(dir, options.documents);
    else if (entry.kind !== 'archive') await applyEntry(entry, context);
  }

  const files = await hashPayload(dir, plan, parts);
  const manifest: Manifest = {
    schema: MANIFEST_SCHEMA,
    ...(options.name ? { name: options.name } : {}),
    version: plan.version,
    slidesFolder: SLIDES_FOLDER,
    files,
  };
  const serialized = serializeManifest(manifest);
  const id = releaseId(serialized);
  await writeFile(join(dir, 'manifest.json'), serialized);
  await writeBagTags(dir, { version: plan.version, releaseId: id, files, date: new Date() });

  const tags = ['bagit.txt', 'bag-info.txt', 'manifest-sha256.txt', 'manifest.json'];
  const archive = plan.entries.find((e) => e.kind === 'archive');
  if (archive?.kind === 'archive') {
    await packArchive(dir, archive, files, tags, plan.version);
    tags.push(archive.path);
  }
  await writeTagManifest(dir, tags);
  return {
    version: plan.version,
    releaseId: id,
    manifest,
    skipped: context.skipped,
    messages: context.messages,
  };
}

/** Copy a slide (a reflink where the file system has them) and check the copy's hash. */
async function copySlide(entry: Extract<ReleaseEntry, { kind: 'slide' }>, dir: string) {
  const target = join(dir, entry.path);
  await mkdir(dirname(target), { recursive: true });
  await copyFile(entry.source, target, constants.COPYFILE_FICLONE);
  const info = await stat(target);
  if (info.size !== entry.size) {
    throw new InputError(`the slide changed while the release was built`, entry.source);
  }
}

async function runDocuments(dir: string, documents: DocumentsStep | undefined): Promise<void> {
  if (!documents) return;
  const payload = join(dir, 'data');
  const files = (await listFiles(payload)).map((f) => relative(payload, f).split(sep).join('/'));
  await documents(payload, files);
}

/**
 * Hash every payload file; slides are re-hashed so the manifest describes the copies. Files
 * larger than one upload part also get their part digests, from the same read.
 */
async function hashPayload(
  dir: string,
  plan: ReleasePlan,
  parts: Map<string, PartDigests>,
): Promise<ManifestFile[]> {
  const expected = new Map(
    plan.entries.flatMap((e) => (e.kind === 'slide' ? [[e.path, e] as const] : [])),
  );
  const files: ManifestFile[] = [];
  for (const file of await listFiles(join(dir, 'data'))) {
    const path = relative(dir, file).split(sep).join('/');
    const { size } = await stat(file);
    const digests = size > PART_SIZE ? await hashWithParts(file) : undefined;
    const sha256 = digests?.sha256 ?? (await sha256File(file));
    if (digests) parts.set(path, digests);
    const slide = expected.get(path);
    if (slide && slide.sha256 !== sha256) {
      throw new InputError('the slide changed while the release was built', slide.source);
    }
    files.push({ path, size, sha256, mediaType: mediaTypeFor(path) });
  }
  return files;
}

async function packArchive(
  dir: string,
  archive: Extract<ReleaseEntry, { kind: 'archive' }>,
  files: ManifestFile[],
  tags: string[],
  version: string,
): Promise<void> {
  const members = [
    ...tags,
    ...files.map((f) => f.path).filter((p) => !p.startsWith(SLIDES_FOLDER)),
  ];
  await writeArchive(dir, archive.type, join(dir, archive.path), members, version);
}

/** Rename the finished folder into place; a folder that appeared meanwhile wins. */
async function moveIntoPlace(temp: string, finalDir: string, version: string): Promise<void> {
  await refuseExisting(finalDir, version);
  try {
    await rename(temp, finalDir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' || code === 'ENOTEMPTY') await refuseExisting(finalDir, version);
    throw error;
  }
}

function explainBuildError(error: unknown, dir: string): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    return new InputError('the disk is full; the release was not built and nothing was kept', dir);
  }
  if (code === 'EACCES' || code === 'EROFS') {
    return new InputError(`cannot write here (${code}); nothing was kept`, dir);
  }
  return error;
}
