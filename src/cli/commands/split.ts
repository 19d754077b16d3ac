import type { Argv, CommandModule } from 'yargs';
import type { SplitUnit } from '../../descriptor/types.js';
import { DataError, UsageError } from '../../errors.js';
import { Messages } from '../../messages.js';
import { type GlobalArgs, loggerFor, printJson, printLines } from '../context.js';

interface SplitArgs extends GlobalArgs {
  descriptor: string;
  by: SplitUnit;
  ratios: string;
  names: string;
  seed: number;
  dryRun?: boolean;
}

function plan(args: SplitArgs) {
  const ratios = args.ratios.split(',').map(Number);
  const names = args.names.split(',').map((n) => n.trim());
  const repeated = names.find((n, i) => names.indexOf(n) !== i);
  if (repeated !== undefined || names.includes('')) {
    throw new UsageError(
      `--names: expected distinct, non-empty split names, got "${args.names}"` +
        (repeated ? ` ("${repeated}" twice)` : ''),
    );
  }
  if (ratios.some((r) => !Number.isFinite(r) || r < 0) || ratios.every((r) => r === 0)) {
    throw new UsageError(
      `--ratios: expected comma-separated non-negative numbers, got "${args.ratios}"`,
    );
  }
  if (names.length !== ratios.length) {
    throw new UsageError(`--names has ${names.length} name(s) but --ratios has ${ratios.length}`);
  }
  return {
    unit: args.by,
    ratios: names.map((n, i): [string, number] => [n, ratios[i]!]),
    seed: args.seed,
  };
}

async function handler(args: SplitArgs): Promise<void> {
  const logger = loggerFor(args);
  const messages = new Messages();
  const summary = await (await import('../../descriptor/apply-splits.js')).splitDescriptor(
    args.descriptor,
    plan(args),
    messages,
    !args.dryRun,
  );
  if (messages.hasErrors) {
    throw new DataError(
      'the split would leak or is invalid; the descriptor was not changed',
      messages.list.filter((m) => m.severity === 'error'),
    );
  }
  for (const m of messages.list) logger.report(m);
  if (args.json) return printJson({ ok: true, written: !args.dryRun, ...summary });
  printLines(
    summary.splits.map((s) => {
      const members = summary.unit === 'slide' ? '' : `${s.members} ${summary.unit}(s), `;
      return `${s.name}: ${members}${s.slides} slide(s), ${s.objects} object(s)`;
    }),
  );
  logger.info(args.dryRun ? 'dry run: descriptor unchanged' : `${args.descriptor}: splits written`);
}

/**
 * `--ratios -10,60,50` reaches yargs as the short options -1 and -0 (and --ratios falls back
 * to its default), which strict mode reports as "Unknown arguments: 0, 1"; say what happened.
 */
function negativeRatios(argv: Record<string, unknown>): void {
  const digits = Object.keys(argv).filter((k) => /^\d$/.test(k));
  if (digits.length === 0) return;
  throw new UsageError(
    `a value starting with "-" was read as the options ${digits.map((d) => `-${d}`).join(' ')}` +
      ': --ratios takes shares ≥ 0 (e.g. --ratios 70,15,15); to pass a value that starts ' +
      'with "-", write --ratios=<value>',
  );
}

export const splitCommand: CommandModule<GlobalArgs, SplitArgs> = {
  command: 'split [descriptor]',
  describe: 'make grouped, class-stratified splits and write them into the descriptor',
  builder: (yargs) =>
    yargs
      .positional('descriptor', {
        type: 'string',
        default: 'dataset.yaml',
        describe: 'dataset descriptor',
      })
      .option('by', {
        choices: ['patient', 'animal', 'case', 'block', 'slide'] as const,
        default: 'patient' as SplitUnit,
        describe: 'unit kept whole inside one split',
      })
      .option('ratios', { type: 'string', default: '70,15,15', describe: 'shares of the splits' })
      .option('names', {
        type: 'string',
        default: 'train,val,test',
        describe: 'split names, one per ratio',
      })
      .option('seed', { type: 'number', default: 1, describe: 'same seed, same split' })
      .middleware(negativeRatios, true)
      .option('dry-run', { type: 'boolean', describe: 'print the split, do not write it' })
      .example(
        '$0 split --by patient --ratios 70,15,15 --seed 7',
        'patient-level split',
      ) as Argv<SplitArgs>,
  handler,
};
