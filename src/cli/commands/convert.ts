import type { Argv, CommandModule } from 'yargs';
import { convert } from '../../convert.js';
import { DataError } from '../../errors.js';
import { converters, formatIds } from '../../formats.js';
import { openOutput } from '../../io/output.js';
import { type GlobalArgs, loggerFor, printJson } from '../context.js';

interface ConvertArgs extends GlobalArgs {
  inputs: string[];
  to: string;
  output?: string;
  from?: string;
  slide?: string;
  report?: string;
  strict?: boolean;
  includeDeleted?: boolean;
  [option: string]: unknown;
}

function builder(yargs: Argv): Argv<ConvertArgs> {
  let parser = yargs
    .positional('inputs', { describe: 'annotation files to read', type: 'string', array: true })
    .option('to', { describe: 'target format', choices: formatIds(), demandOption: true })
    .option('output', {
      alias: 'o',
      type: 'string',
      describe: 'output file, or a folder for one file per slide (default: stdout)',
    })
    .option('from', { describe: 'source format (default: detected)', choices: formatIds() })
    .option('slide', { type: 'string', describe: 'slide id for one-slide-per-file inputs' })
    .option('report', { type: 'string', describe: 'write the full loss report as JSON here' })
    .option('strict', { type: 'boolean', describe: 'any loss is an error: exit 1, no output' })
    .option('include-deleted', { type: 'boolean', describe: 'keep soft-deleted objects' });
  for (const converter of converters) {
    for (const [name, option] of Object.entries(converter.options ?? {})) {
      parser = parser.option(name, { ...option, group: `${converter.format.name} options:` });
    }
  }
  return parser
    .example('$0 convert slide1.geojson --to asap-xml -o slide1.xml', 'QuPath to ASAP')
    .example('$0 convert MIDOG.sqlite --to coco -o midog.json --report loss.json', 'with report')
    .example('$0 convert MIDOG.json --to qupath-geojson -o out/', 'one GeoJSON per slide')
    .example(
      '$0 convert cells.geojson --to canonical -o cells.ndjson',
      'canonical form',
    ) as Argv<ConvertArgs>;
}

async function handler(args: ConvertArgs): Promise<void> {
  const logger = loggerFor(args);
  const result = await convert({
    inputs: args.inputs,
    to: args.to,
    ...(args.output ? { output: args.output } : {}),
    ...(args.from ? { from: args.from } : {}),
    ...(args.slide ? { slide: args.slide } : {}),
    includeDeleted: args.includeDeleted ?? false,
    strict: args.strict ?? false,
    options: args,
    logger,
  }).catch(async (error: unknown) => {
    // --strict stops before writing the output, but the report says what would have been lost.
    if (error instanceof DataError && error.report && args.report) {
      await writeReport(args.report, error.report);
    }
    throw error;
  });
  if (args.report) await writeReport(args.report, result.loss);
  for (const message of result.messages.list) logger.report(message);
  logger.info(result.loss.summary());
  if (args.json && args.output && args.output !== '-') {
    printJson({
      ok: true,
      outputs: result.outputs,
      report: result.loss,
      messages: result.messages.list,
    });
  }
}

async function writeReport(path: string, report: unknown): Promise<void> {
  const out = await openOutput(path);
  await out.write(`${JSON.stringify(report, null, 2)}\n`);
  await out.commit();
}

export const convertCommand: CommandModule<GlobalArgs, ConvertArgs> = {
  command: 'convert <inputs..>',
  describe: 'convert annotation files to another format, with a loss report',
  builder,
  handler,
};
