import type { Argv, CommandModule } from 'yargs';
import { type GlobalArgs, loggerFor, printJson } from '../context.js';
import { releaseRunCommand } from './release-run.js';

interface BuildArgs extends GlobalArgs {
  slides: string;
  annotations: string[];
  version: string;
  output: string;
  descriptor?: string;
  name?: string;
  formats?: string[];
  thumbnails: boolean;
  archive?: 'zip' | 'tar.gz';
}

function buildBuilder(yargs: Argv): Argv<BuildArgs> {
  return yargs
    .version(false)
    .option('slides', { type: 'string', demandOption: true, describe: 'folder of slide images' })
    .option('annotations', {
      alias: 'a',
      type: 'string',
      array: true,
      demandOption: true,
      describe: 'annotation files, any readable format; merged into one canonical set',
    })
    .option('version', { type: 'string', demandOption: true, describe: 'semantic version X.Y.Z' })
    .option('output', {
      alias: 'o',
      type: 'string',
      default: 'releases',
      describe: 'releases folder; the release goes into <output>/<version>',
    })
    .option('descriptor', { type: 'string', describe: 'dataset descriptor (dataset.yaml)' })
    .option('name', { type: 'string', describe: 'dataset name recorded in the manifest' })
    .option('formats', {
      type: 'string',
      array: true,
      describe: 'annotation formats to include (default: every writable format)',
    })
    .option('thumbnails', { type: 'boolean', default: true, describe: 'a PNG per slide' })
    .option('archive', {
      choices: ['zip', 'tar.gz'] as const,
      describe: 'also pack everything but the slides into one archive',
    })
    .example('$0 release build --slides slides/ -a labels.geojson --version 1.0.0', 'build 1.0.0')
    .example(
      '$0 release build --slides wsi/ -a MIDOG.sqlite --version 2.0.0 -o out --archive zip',
      'with a zip of the annotations',
    ) as Argv<BuildArgs>;
}

async function buildHandler(args: BuildArgs): Promise<void> {
  const logger = loggerFor(args);
  const result = await (await import('../../release/build.js')).buildRelease({
    releasesDir: args.output,
    version: args.version,
    slidesDir: args.slides,
    annotations: args.annotations,
    ...(args.descriptor ? { descriptor: args.descriptor } : {}),
    ...(args.name ? { name: args.name } : {}),
    ...(args.formats ? { formats: args.formats.flatMap((f) => f.split(',')) } : {}),
    thumbnails: args.thumbnails,
    ...(args.archive ? { archive: args.archive } : {}),
    logger,
  });
  for (const message of result.messages.list) {
    logger.report(message);
  }
  if (args.json) {
    const { dir, version, releaseId, skipped, manifest } = result;
    printJson({ ok: true, dir, version, releaseId, files: manifest.files.length, skipped });
  } else {
    process.stdout.write(`${result.dir}\n`);
  }
}

/** `release build`: a versioned release folder from slides and annotations. */
export const releaseBuildCommand: CommandModule<GlobalArgs, BuildArgs> = {
  command: 'build',
  describe: 'build a versioned, checksummed release folder (a valid BagIt bag)',
  builder: buildBuilder,
  handler: buildHandler,
};

/** Sub-commands of `release`; a default `release <folder>` can be added to this list. */
// biome-ignore lint/suspicious/noExplicitAny: yargs command modules differ in their argument types
export const releaseSubcommands: CommandModule<any, any>[] = [
  releaseBuildCommand,
  releaseRunCommand,
];

export const releaseCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: 'release',
  describe: 'check, document, build and publish a dataset folder (release <folder>), or build only',
  builder: (yargs) => {
    let parser = yargs;
    for (const command of releaseSubcommands) parser = parser.command(command);
    return parser as Argv<GlobalArgs>;
  },
  handler: () => undefined,
};
