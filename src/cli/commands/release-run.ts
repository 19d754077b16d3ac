import type { Argv, CommandModule } from 'yargs';
import { DataError } from '../../errors.js';
import type { ReleaseJobSummary } from '../../job/release-job.js';
import { type GlobalArgs, loggerFor } from '../context.js';
import { type StoreArgs, s3Options, storeOptions } from './publish.js';

interface RunArgs extends StoreArgs {
  folder: string;
  version?: string;
  to?: string;
  public?: boolean;
  archive?: 'zip' | 'tar.gz';
  buildDir?: string;
}

function builder(yargs: Argv): Argv<RunArgs> {
  return (
    storeOptions(yargs)
      .positional('folder', {
        type: 'string',
        describe: 'dataset folder: slides, annotations, dataset.yaml',
      })
      // --version here names the release, as the issue and `release build` spell it.
      .version(false)
      .option('version', {
        alias: 'release-version',
        type: 'string',
        describe: 'semantic version X.Y.Z (default: identity.version in dataset.yaml)',
      })
      .option('to', {
        type: 'string',
        describe: 's3://bucket/prefix or file:///path (default: the local store ./releases)',
      })
      .option('public', { type: 'boolean', describe: 'grant anonymous read on an s3:// release' })
      .option('archive', {
        choices: ['zip', 'tar.gz'] as const,
        describe: 'also pack the annotations',
      })
      .option('build-dir', {
        type: 'string',
        describe: 'where releases are assembled (default .slidepack/builds)',
      })
      .example('$0 release examples/dataset', 'check, document and publish to ./releases')
      .example(
        '$0 release wsi/ --to s3://open-data/midog --endpoint http://127.0.0.1:7480 --public',
        'publish to an S3-compatible store',
      ) as Argv<RunArgs>
  );
}

async function handler(args: RunArgs): Promise<void> {
  const logger = loggerFor(args);
  const summary = await (await import('../../job/release-job.js')).runReleaseJob({
    folder: args.folder,
    ...(args.version ? { version: args.version } : {}),
    ...(args.to ? { to: args.to } : {}),
    s3: s3Options(args),
    public: args.public ?? false,
    ...(args.archive ? { archive: args.archive } : {}),
    ...(args.buildDir ? { buildDir: args.buildDir } : {}),
    logger,
  });
  for (const message of summary.messages.list) logger.report(message);
  // With --json, stdout is NDJSON: the publish events, then this summary as the last line.
  if (args.json) logger.event('summary', { ...summary, messages: summary.messages.list });
  else process.stderr.write(`\n${describeSummary(summary).join('\n')}\n`);
  if (!summary.ok) throw new DataError(`release not published: ${summary.blocked.join('; ')}`, []);
}

/** The closing summary: what was published where, counts, losses per format, warnings. */
export function describeSummary(s: ReleaseJobSummary): string[] {
  const lines = [s.ok ? `published ${s.version} to ${s.publishedTo}` : 'nothing was published'];
  if (s.releaseId) lines.push(`  release id  ${s.releaseId}`);
  if (s.verified) lines.push(`  verified    ${s.verified.files} files, ${s.verified.bytes} bytes`);
  lines.push(`  slides      ${s.slides}`, `  objects     ${s.objects}`);
  const classes = Object.entries(s.classes).map(([name, n]) => `${name} ${n}`);
  if (classes.length) lines.push(`  classes     ${classes.join(', ')}`);
  const annotators = Object.entries(s.annotators).map(([name, n]) => `${name} ${n}`);
  if (annotators.length) lines.push(`  annotators  ${annotators.join(', ')} (labels)`);
  for (const f of s.formats) {
    const losses = Object.entries(f.losses).map(([code, n]) => `${code} ${n}`);
    lines.push(
      `  ${f.format.padEnd(18)} ${f.written} written` +
        (losses.length ? `; ${losses.join(', ')}` : ''),
    );
  }
  for (const left of s.leftOut) lines.push(`  left out    ${left.step}: ${left.reason}`);
  const warnings = s.messages.count('warning');
  if (warnings) lines.push(`  warnings    ${warnings} (listed above)`);
  for (const reason of s.blocked) lines.push(`  blocked     ${reason}`);
  return lines;
}

/** `slidepack release <folder>`: the main job, from a dataset folder to a published release. */
export const releaseRunCommand: CommandModule<GlobalArgs, RunArgs> = {
  command: '$0 <folder>',
  describe: 'check, document, build and publish a dataset folder as a versioned release',
  builder,
  handler,
};
