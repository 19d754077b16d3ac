import type { Argv, CommandModule } from 'yargs';
import { type GlobalArgs, loggerFor } from '../context.js';
import { type StoreArgs, s3Options, storeOptions } from './publish.js';

interface FetchArgs extends StoreArgs {
  url: string;
  output: string;
  releaseVersion?: string;
  split?: string[];
  format?: string[];
  slides?: string[];
  skipSlides?: boolean;
}

const list = (values: string[] | undefined) => values?.flatMap((v) => v.split(',')).filter(Boolean);

async function handler(args: FetchArgs): Promise<void> {
  const logger = loggerFor(args);
  const splits = list(args.split);
  const formats = list(args.format);
  const slides = list(args.slides);
  const result = await (await import('../../publish/fetch.js')).fetchRelease(args.url, {
    out: args.output,
    s3: s3Options(args),
    ...(args.releaseVersion ? { version: args.releaseVersion } : {}),
    ...(splits ? { splits } : {}),
    ...(formats ? { formats } : {}),
    ...(slides ? { slides } : {}),
    noSlides: args.skipSlides ?? false,
    logger,
  });
  if (args.json) logger.event('result', { ok: true, ...result });
  else process.stdout.write(`${result.dir}\n`);
}

export const fetchCommand: CommandModule<GlobalArgs, FetchArgs> = {
  command: 'fetch <url>',
  describe: 'download part of a published release and check every file against its manifest',
  builder: (yargs) =>
    storeOptions(yargs)
      .positional('url', {
        type: 'string',
        demandOption: true,
        describe: 's3://bucket/prefix or file:///path',
      })
      .option('output', {
        alias: 'o',
        type: 'string',
        demandOption: true,
        describe: 'folder to write',
      })
      .option('release-version', { type: 'string', describe: 'version (default: latest)' })
      .option('split', { type: 'string', array: true, describe: 'only slides of these splits' })
      .option('format', { type: 'string', array: true, describe: 'only these annotation formats' })
      .option('slides', { type: 'string', array: true, describe: 'only these slides (a,b)' })
      // Not --no-slides: yargs would read that as the negation of --slides.
      .option('skip-slides', { type: 'boolean', describe: 'leave the slide images out' })
      .option('anonymous', { type: 'boolean', describe: 'send no credentials (public buckets)' })
      .example(
        '$0 fetch s3://open-data/camelyon --split test --format coco -o test/',
        'test split, COCO',
      )
      .example(
        '$0 fetch file:///srv/sets/midog --slides 001.tiff,002.tiff -o two/',
        'two slides',
      ) as Argv<FetchArgs>,
  handler,
};
