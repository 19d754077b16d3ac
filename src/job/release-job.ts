import { rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { DatasetInputs } from '../descriptor/inputs.js';
import { PublishError } from '../errors.js';
import { type Logger, silentLogger } from '../log.js';
import { Messages } from '../messages.js';
import { publishRelease } from '../publish/publish.js';
import type { S3Options } from '../publish/s3-client.js';
import { verifyRelease } from '../publish/verify.js';
import { computeStats, type DatasetStats } from '../stats/index.js';
import { buildForJob } from './build-step.js';
import { block, checkDocuments, checkInputs, prepare, readInputs } from './checks.js';
import { discoverDataset } from './discover.js';

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

  const listed = loaded.data.files?.annotations?.length ?? 0;
  logger.info(`reading ${listed} annotation file(s) and ${found.slides.length} slide(s)`);
  const inputs = await readInputs(loaded, summary);
  if (!inputs) return summary;
  checkInputs(found, loaded, inputs, summary);
  const stats = computeStats(inputs.set, { slides: inputs.slides });
  fillCounts(summary, stats, inputs);
  await checkDocuments(loaded, inputs, summary);
  if (block(summary)) return summary;

  const version = options.version ?? loaded.data.identity?.version ?? '';
  summary.version = version;
  const build = await buildForJob(options, loaded, inputs, version, summary, logger);
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

function fillCounts(summary: ReleaseJobSummary, stats: DatasetStats, inputs: DatasetInputs): void {
  summary.slides = new Set([...inputs.slides.keys(), ...inputs.set.slides.keys()]).size;
  summary.objects = stats.objects;
  summary.classes = stats.byClass;
  summary.annotators = Object.fromEntries(stats.annotators.map((a) => [a.id, a.labels]));
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
      'the published release does not verify: ' +
        `${report.bad.length} bad, ${report.missing.length} missing`,
    );
    return;
  }
  summary.verified = { files: report.checked, bytes: report.bytes };
  summary.ok = true;
  await rm(build.dir, { recursive: true, force: true });
}
