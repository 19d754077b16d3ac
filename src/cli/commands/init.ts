import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import type { ScaffoldResult } from '../../descriptor/scaffold.js';
import { InputError, UsageError } from '../../errors.js';
import { openOutput } from '../../io/output.js';
import { Messages } from '../../messages.js';
import { type GlobalArgs, loggerFor, printJson } from '../context.js';

interface InitArgs extends GlobalArgs {
  folder: string;
  output?: string;
  force?: boolean;
}

async function handler(args: InitArgs): Promise<void> {
  const logger = loggerFor(args);
  const folder = await stat(args.folder).catch(() => undefined);
  if (!folder?.isDirectory()) {
    throw new InputError(folder ? 'is not a folder' : 'no such folder', args.folder);
  }
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
  for (const m of messages.list) logger.report(m);
  const out = await openOutput(target);
  await out.write(result.text);
  await out.commit();
  const todos = (result.text.match(/TODO\(human\)/g) ?? []).length;
  logger.info(summary(target, result, todos));
  if (result.unreadable.length) {
    // The scaffold of the readable files is still worth having, but the run is not clean.
    logger.error(
      `${target} was written without ${result.unreadable.length} unreadable file(s) ` +
        '(listed at its top); fix or remove them and run init --force again',
    );
    process.exitCode = 1;
  }
  if (args.json) {
    const ok = result.unreadable.length === 0;
    printJson({ ok, descriptor: target, ...result, text: undefined, todos });
  }
}

function summary(target: string, result: ScaffoldResult, todos: number): string {
  const license = result.licenses.length
    ? `, license from the data: ${result.licenses.join(', ')}`
    : '';
  return (
    `${target}: ${result.slides} slide(s), ${result.annotationFiles} annotation file(s), ` +
    `${result.objects} object(s)${license}; ${todos} TODO(human) answer(s) left`
  );
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
