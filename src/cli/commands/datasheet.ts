import type { Argv, CommandModule } from 'yargs';
import { Messages } from '../../messages.js';
import { type GlobalArgs, loggerFor, printJson, printLines } from '../context.js';

interface DatasheetArgs extends GlobalArgs {
  descriptor: string;
  output?: string;
  check?: boolean;
}

async function handler(args: DatasheetArgs): Promise<void> {
  const logger = loggerFor(args);
  const messages = new Messages();
  const result = await (await import('../../datasheet/standalone.js')).runDatasheet({
    descriptor: args.descriptor,
    ...(args.output ? { output: args.output } : {}),
    ...(args.check ? { check: true } : {}),
    messages,
  });
  for (const m of messages.list) if (m.severity === 'warning') logger.report(m);
  if (args.json) return printJson({ ok: true, written: result.written, messages: messages.list });
  printLines(result.written);
  logger.info(
    args.check ? 'descriptor and data check out' : `${result.written.length} file(s) written`,
  );
}

export const datasheetCommand: CommandModule<GlobalArgs, DatasheetArgs> = {
  command: 'datasheet [descriptor]',
  describe: 'write DATASHEET.md, datasheet.html, croissant.json, CITATION.cff and LICENSE',
  builder: (yargs) =>
    yargs
      .positional('descriptor', {
        type: 'string',
        default: 'dataset.yaml',
        describe: 'dataset descriptor',
      })
      .option('output', {
        alias: 'o',
        type: 'string',
        describe: 'folder to write into (default: beside the descriptor)',
      })
      .option('check', {
        type: 'boolean',
        describe: 'validate the descriptor against the data; write nothing',
      })
      .example('$0 datasheet data/dataset.yaml -o docs/', 'write the documents into docs/')
      .example('$0 datasheet --check', 'list the must fields still missing') as Argv<DatasheetArgs>,
  handler,
};
