import type { Argv, CommandModule } from 'yargs';
import { type FileReport, validateFiles } from '../../check/run.js';
import { RULES } from '../../check/validate.js';
import { UsageError } from '../../errors.js';
import { formatIds } from '../../formats.js';
import { formatMessage, type Message } from '../../messages.js';
import { type GlobalArgs, loggerFor, printJson, printLines } from '../context.js';

interface ValidateArgs extends GlobalArgs {
  inputs: string[];
  slides?: string[];
  from?: string;
  slide?: string;
  fix?: boolean;
  output?: string;
  rules?: boolean;
}

async function handler(args: ValidateArgs): Promise<void> {
  if (args.rules) return printRules(args);
  if (args.fix && !args.output)
    throw new UsageError('--fix writes repaired copies; give -o <file or folder>');
  if (args.output && !args.fix) throw new UsageError('-o is only used with --fix');
  const result = await validateFiles({
    inputs: args.inputs,
    ...(args.slides ? { slides: args.slides } : {}),
    ...(args.from ? { from: args.from } : {}),
    ...(args.slide ? { slide: args.slide } : {}),
    ...(args.fix ? { fixOutput: args.output! } : {}),
  });
  const all = [...result.slideProblems, ...result.files.flatMap((f) => f.messages)];
  const errors = all.filter((m) => m.severity === 'error').length;
  if (args.json) printJson({ ok: errors === 0, ...result });
  else printReport(result.files, result.slideProblems, args);
  if (errors > 0) process.exitCode = 1;
}

function printReport(files: FileReport[], slideProblems: Message[], args: ValidateArgs): void {
  const logger = loggerFor(args);
  for (const m of slideProblems) logger.verbose(`skipped: ${formatMessage(m)}`);
  const lines: string[] = [];
  for (const file of files) {
    lines.push(...file.messages.map(formatMessage));
    lines.push(...file.repairs.map(formatMessage));
    if (file.output)
      lines.push(`${file.file}: ${file.repairs.length} repair(s) written to ${file.output}`);
  }
  printLines(lines);
  const count = (s: Message['severity']) =>
    files.reduce((n, f) => n + f.messages.filter((m) => m.severity === s).length, 0);
  logger.info(
    `${files.length} file(s), ${files.reduce((n, f) => n + f.objects, 0)} object(s): ` +
      `${count('error')} error(s), ${count('warning')} warning(s)`,
  );
}

function printRules(args: ValidateArgs): void {
  if (args.json) {
    printJson(RULES);
    return;
  }
  printLines(
    Object.entries(RULES).map(
      ([id, r]) => `${id.padEnd(28)} ${r.severity.padEnd(8)} ${r.describe}`,
    ),
  );
}

export const validateCommand: CommandModule<GlobalArgs, ValidateArgs> = {
  command: 'validate [inputs..]',
  describe: 'check geometry, bounds, slides, classes and duplicates; --fix repairs what is safe',
  builder: (yargs) =>
    yargs
      .positional('inputs', { type: 'string', array: true, describe: 'annotation files' })
      .option('slides', {
        type: 'string',
        array: true,
        describe: 'slide images (files or folders)',
      })
      .option('from', { choices: formatIds(), describe: 'source format (default: detected)' })
      .option('slide', { type: 'string', describe: 'slide id for one-slide-per-file inputs' })
      .option('fix', { type: 'boolean', describe: 'close rings and drop repeated vertices' })
      .option('output', {
        alias: 'o',
        type: 'string',
        describe: 'where --fix writes (same format)',
      })
      .option('rules', { type: 'boolean', describe: 'list the rules and exit' })
      .check((argv) => {
        if (!argv.rules && !(argv.inputs as string[] | undefined)?.length) {
          throw new UsageError('give at least one annotation file');
        }
        return true;
      })
      .example('$0 validate export.geojson --slides slides/', 'with bounds against the slides')
      .example(
        '$0 validate a.geojson --fix -o a.fixed.geojson',
        'write a repaired copy',
      ) as Argv<ValidateArgs>,
  handler,
};
