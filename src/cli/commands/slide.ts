import type { Argv, CommandModule } from 'yargs';
import { loadSet } from '../../check/load.js';
import { InputError, UsageError } from '../../errors.js';
import { formatSlideInfo } from '../../slide/format.js';
import { readSlideInfo, type SlideInfo } from '../../slide/info.js';
import { expandSlidePaths } from '../../slide/inputs.js';
import type { ThumbnailResult } from '../../slide/thumbnail.js';
import { type GlobalArgs, loggerFor, printJson, printLines } from '../context.js';

interface InfoArgs extends GlobalArgs {
  files: string[];
}

interface ImageArgs extends GlobalArgs {
  slide: string;
  annotations?: string[];
  output: string;
  maxSize: string | number;
  slideId?: string;
  from?: string;
}

/** Read every slide; a failure is reported for its file and the others still run. */
async function info(args: InfoArgs): Promise<void> {
  const logger = loggerFor(args);
  const paths = await expandSlidePaths(args.files);
  const results: { path: string; info?: SlideInfo; error?: string }[] = [];
  for (const path of paths) {
    try {
      const slide = await readSlideInfo(path);
      results.push({ path, info: slide });
      if (!args.json) printLines(formatSlideInfo(slide));
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      results.push({ path, error: error.message });
      if (!args.json) logger.error(error.message);
    }
  }
  const failed = results.filter((r) => r.error).length;
  if (args.json) printJson(results.map((r) => ({ ok: !r.error, ...r })));
  if (failed) {
    logger.error(`${failed} of ${results.length} slide(s) could not be read`);
    process.exitCode = 1;
  }
}

async function thumbnail(args: ImageArgs): Promise<void> {
  const result = await (await import('../../slide/thumbnail.js')).writeThumbnail(
    args.slide,
    args.output,
    { maxSize: maxSize(args.maxSize) },
  );
  report(args, result);
}

async function overlay(args: ImageArgs): Promise<void> {
  const size = maxSize(args.maxSize);
  const options = args.from ? { from: args.from } : {};
  const set = await loadSet(args.annotations ?? [], options);
  const result = await (await import('../../slide/thumbnail.js')).writeOverlay(
    args.slide,
    set,
    args.output,
    {
      maxSize: size,
      ...(args.slideId ? { slideId: args.slideId } : {}),
    },
  );
  report(args, result);
}

function report(args: ImageArgs, result: ThumbnailResult): void {
  const logger = loggerFor(args);
  for (const warning of result.warnings) logger.warn(`${args.slide}: ${warning}`);
  if (args.json) printJson({ ok: true, output: args.output, ...result });
  else logger.info(`${args.output}: ${result.width} × ${result.height} px`);
}

/** `--max-size` as a whole number of pixels ≥ 1; anything else is a usage error. */
function maxSize(value: unknown): number {
  const n = typeof value === 'number' ? value : Number(String(value).trim() || Number.NaN);
  if (!Number.isInteger(n) || n < 1) {
    throw new UsageError(
      `--max-size: expected a whole number of pixels ≥ 1 (e.g. 1024), got "${String(value)}"`,
    );
  }
  return n;
}

function imageOptions(yargs: Argv): Argv {
  return yargs
    .option('output', { alias: 'o', type: 'string', demandOption: true, describe: 'PNG to write' })
    .option('max-size', {
      type: 'string',
      default: '1024',
      describe: 'longest side in pixels; never more than the slide or the level drawn',
    });
}

const infoCommand: CommandModule<GlobalArgs, InfoArgs> = {
  command: 'info <files..>',
  describe: 'size, levels, resolution, scanner and associated images, from headers only',
  builder: (yargs) =>
    yargs
      .positional('files', { type: 'string', array: true, describe: 'slides or folders' })
      .example('$0 slide info CMU-1.svs', 'one slide')
      .example('$0 slide info --json slides/', 'every slide in a folder') as Argv<InfoArgs>,
  handler: info,
};

const thumbnailCommand: CommandModule<GlobalArgs, ImageArgs> = {
  command: 'thumbnail <slide>',
  describe: 'write a PNG thumbnail from the smallest decodable level',
  builder: (yargs) =>
    imageOptions(yargs.positional('slide', { type: 'string', describe: 'slide file or folder' }))
      .example('$0 slide thumbnail CMU-1.svs -o cmu1.png', 'a 1024 px thumbnail')
      .example(
        '$0 slide thumbnail CMU-1.svs -o s.png --max-size 256',
        'smaller',
      ) as Argv<ImageArgs>,
  handler: thumbnail,
};

const overlayCommand: CommandModule<GlobalArgs, ImageArgs> = {
  command: 'overlay <slide> <annotations..>',
  describe: 'write a PNG of the slide with its annotations in class colours and a legend',
  builder: (yargs) =>
    imageOptions(
      yargs
        .positional('slide', { type: 'string', describe: 'slide file or folder' })
        .positional('annotations', { type: 'string', array: true, describe: 'annotation files' }),
    )
      .option('slide-id', { type: 'string', describe: 'which slide of the annotations to draw' })
      .option('from', { type: 'string', describe: 'annotation format (default: detected)' })
      .example('$0 slide overlay CMU-1.svs CMU-1.geojson -o overlay.png', 'QuPath export')
      .example(
        '$0 slide overlay 001.tiff MIDOG.json --slide-id 001.tiff -o o.png',
        'one of many',
      ) as unknown as Argv<ImageArgs>,
  handler: overlay,
};

/** `slidepack slide info|thumbnail|overlay`. */
export const slideCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: 'slide <command>',
  describe: 'read slide metadata; draw thumbnails and annotation overlays',
  builder: (yargs) =>
    yargs
      .command(infoCommand as CommandModule)
      .command(thumbnailCommand as CommandModule)
      .command(overlayCommand as CommandModule)
      .demandCommand(1) as Argv<GlobalArgs>,
  handler: () => undefined,
};
