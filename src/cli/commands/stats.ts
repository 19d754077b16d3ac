import { basename, normalize } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { loadSet } from '../../check/load.js';
import { formatIds } from '../../formats.js';
import type { AnnotationObject } from '../../model/types.js';
import type { SlideInfo } from '../../slide/info.js';
import { readSlideInfos } from '../../slide/inputs.js';
import { formatStats } from '../../stats/format.js';
import { computeStats } from '../../stats/index.js';
import { type GlobalArgs, loggerFor, printJson, printLines } from '../context.js';

interface StatsArgs extends GlobalArgs {
  inputs: string[];
  slides?: string[];
  from?: string;
  slide?: string;
  radius: number;
  includeModels?: boolean;
  byFile?: boolean;
}

async function handler(args: StatsArgs): Promise<void> {
  const set = await loadSet(args.inputs, {
    ...(args.from ? { from: args.from } : {}),
    ...(args.slide ? { slide: args.slide } : {}),
  });
  const slides = args.slides ? await slideInfos(args.slides, args) : undefined;
  const stats = computeStats(set, {
    radius: args.radius,
    includeModels: args.includeModels ?? false,
    ...(slides ? { slides } : {}),
    ...(args.byFile ? { annotatorOf: byFile(args.inputs) } : {}),
  });
  if (args.json) printJson(stats);
  else printLines(formatStats(stats));
}

/** With several inputs, `convert`'s merge prefixes object ids with the input's number. */
function byFile(inputs: string[]): (object: AnnotationObject) => string | undefined {
  const labels = fileLabels(inputs);
  if (inputs.length === 1) return () => labels[0];
  return (object) => labels[Number(object.id.slice(0, object.id.indexOf('/'))) - 1];
}

/**
 * One annotator id per input file: its name when the names differ, else the path as given
 * (A/slide.geojson and B/slide.geojson are two readers), numbered if a path is repeated.
 */
export function fileLabels(inputs: string[]): string[] {
  const names = inputs.map((path) => basename(path));
  const labels = new Set(names).size === names.length ? names : inputs.map(normalize);
  const seen = new Map<string, number>();
  return labels.map((label) => {
    const n = (seen.get(label) ?? 0) + 1;
    seen.set(label, n);
    return labels.indexOf(label) === labels.lastIndexOf(label) ? label : `${label}#${n}`;
  });
}

async function slideInfos(paths: string[], args: StatsArgs): Promise<Map<string, SlideInfo>> {
  const { slides, problems } = await readSlideInfos(paths);
  for (const { path, message } of problems) loggerFor(args).verbose(`skipped ${path}: ${message}`);
  return slides;
}

export const statsCommand: CommandModule<GlobalArgs, StatsArgs> = {
  command: 'stats <inputs..>',
  describe: 'counts per class, slide, annotator, split and domain; inter-annotator agreement',
  builder: (yargs) =>
    yargs
      .positional('inputs', { type: 'string', array: true, describe: 'annotation files' })
      .option('slides', { type: 'string', array: true, describe: 'slide images for scanner/mpp' })
      .option('from', { choices: formatIds(), describe: 'source format (default: detected)' })
      .option('slide', { type: 'string', describe: 'slide id for one-slide-per-file inputs' })
      .option('radius', { type: 'number', default: 30, describe: 'detection matching radius, px' })
      .option('include-models', { type: 'boolean', describe: 'count model votes in agreement' })
      .option('by-file', {
        type: 'boolean',
        describe: 'treat each input file as one annotator for detection agreement',
      })
      .example('$0 stats MIDOG.sqlite', 'counts and kappa')
      .example(
        '$0 stats a.geojson b.geojson --by-file --radius 25',
        'detection F1 of two readers',
      ) as Argv<StatsArgs>,
  handler,
};
