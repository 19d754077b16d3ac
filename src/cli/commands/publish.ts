import type { Argv, CommandModule } from 'yargs';
import type { S3Options } from '../../publish/s3-client.js';
import { type GlobalArgs, loggerFor, printLines } from '../context.js';

/** Options shared by publish, verify and fetch for reaching an S3-compatible store. */
export interface StoreArgs extends GlobalArgs {
  endpoint?: string;
  region?: string;
  pathStyle?: boolean;
  anonymous?: boolean;
  ec2Metadata?: boolean;
  timeout?: number;
}

export function storeOptions<T>(yargs: Argv<T>): Argv<T & StoreArgs> {
  return yargs
    .option('endpoint', { type: 'string', describe: 'S3-compatible endpoint URL (default: AWS)' })
    .option('region', { type: 'string', describe: 'region (default: AWS_REGION or us-east-1)' })
    .option('path-style', {
      type: 'boolean',
      describe: 'path-style addressing (default: on when --endpoint is given)',
    })
    .option('ec2-metadata', {
      type: 'boolean',
      describe: 'let the AWS credential chain ask the EC2 instance-metadata service',
    })
    .option('timeout', {
      type: 'number',
      describe: 'seconds the store may stay silent before a request fails (default 60)',
    }) as Argv<T & StoreArgs>;
}

export function s3Options(args: StoreArgs): S3Options {
  return {
    ...(args.endpoint ? { endpoint: args.endpoint } : {}),
    ...(args.region ? { region: args.region } : {}),
    ...(args.pathStyle !== undefined ? { pathStyle: args.pathStyle } : {}),
    ...(args.anonymous ? { anonymous: true } : {}),
    ...(args.ec2Metadata ? { instanceMetadata: true } : {}),
    ...(args.timeout && args.timeout > 0 ? { timeout: args.timeout } : {}),
  };
}

interface PublishArgs extends StoreArgs {
  release: string;
  to: string;
  public?: boolean;
  dryRun?: boolean;
}

async function handler(args: PublishArgs): Promise<void> {
  const logger = loggerFor(args);
  const result = await (await import('../../publish/publish.js')).publishRelease({
    release: args.release,
    to: args.to,
    s3: s3Options(args),
    public: args.public ?? false,
    dryRun: args.dryRun ?? false,
    logger,
  });
  if (args.dryRun && args.json) logger.event('plan', { ok: true, ...result });
  else if (args.dryRun) {
    printLines(
      result.uploads.map(
        (u) => `${u.action === 'upload' ? 'upload ' : 'present'} ${u.size} ${u.key}`,
      ),
    );
    printLines([`then: releases/${result.version}/manifest.json, releases.json, latest.json`]);
  } else if (args.json) {
    logger.event('result', {
      ok: true,
      version: result.version,
      releaseId: result.releaseId,
      latest: result.latest,
    });
  }
}

export const publishCommand: CommandModule<GlobalArgs, PublishArgs> = {
  command: 'publish <release>',
  describe: 'publish a built release to s3://bucket/prefix or file:///path, never overwriting',
  builder: (yargs) =>
    storeOptions(yargs)
      .positional('release', { type: 'string', demandOption: true, describe: 'release folder' })
      .option('to', {
        type: 'string',
        demandOption: true,
        describe: 's3://bucket/prefix or file:///path',
      })
      .option('public', {
        type: 'boolean',
        describe: 'let anyone read this release (bucket policy)',
      })
      .option('dry-run', {
        type: 'boolean',
        describe: 'print what would be uploaded; change nothing',
      })
      .example('$0 publish releases/1.0.0 --to s3://my-bucket/camelyon --public', 'to AWS S3')
      .example(
        '$0 publish releases/1.0.0 --to s3://data/set --endpoint http://127.0.0.1:7480',
        'to an S3-compatible gateway',
      )
      .example(
        '$0 publish releases/1.0.0 --to file:///srv/datasets/set',
        'to a local store',
      ) as Argv<PublishArgs>,
  handler,
};
