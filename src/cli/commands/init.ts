import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { UsageError } from '../../errors.js';
import { openOutput } from '../../io/output.js';
import { Messages, formatMessage } from '../../messages.js';
import { type GlobalArgs, loggerFor, printJson } from '../context.js';

interface InitArgs extends GlobalArgs {
  folder: string;
  output?: string;
  force?: boolean;
}

async function handler(args: InitArgs): Promise<void> {
  const logger = loggerFor(args);
  const target = args.output ?? join(args.folder, 'dataset.yaml');
  if (existsSync(target) && !args.force) {
    throw new UsageError(`${target} already exists; give --force to replace it`);
  }
  const messages = new Messages();
  const result = await (await import('../../descriptor/scaffold.js')).scaffoldDescriptor(
    args.folder,
    target,
    messages,
  );
  for (const m of messages.list) {
    logger.report(m);
  }
  const out = await openOutput(target);
  await out.write(result.text);
  await out.commit();
  const todos = (result.text.match(/TODO\(human\)/g) ?? []).length;
  logger.info(
    `${target}: ${result.slides} slide(s), ${result.annotationFiles} annotation file(s), ` +
      `${result.objects} object(s)${result.licenses.length ? `, license from the data: ${result.licenses.join(', ')}` : ''}; ` +
      `${todos} TODO(human) answer(s) left`,
  );
  if (args.json) printJson({ ok: true, descriptor: target, ...result, text: undefined, todos });
}

export const initCommand: CommandModule<GlobalArgs, InitArgs> = {
  command: 'init <folder>',
  describe: 'write a dataset.yaml descriptor for a folder of slides and annotation files',
  builder: (yargs) =>
    yargs
      .positional('folder', { type: 'string', describe: 'dataset folder', demandOption: true })
      .option('output', {
        alias: 'o',
        type: 'string',
        describe: 'descriptor path (default <folder>/dataset.yaml)',
      })
      .option('force', { type: 'boolean', describe: 'replace an existing descriptor' })
      .example('$0 init data/', 'scaffold data/dataset.yaml') as Argv<InitArgs>,
  handler,
};
