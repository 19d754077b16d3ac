import yargs, { type Argv, type CommandModule } from 'yargs';
import { DataError, InternalError, SlidepackError, UsageError } from '../errors.js';
import { formatMessage } from '../messages.js';
import { commands } from './commands/index.js';

const EPILOGUE =
  'Exit codes: 0 ok, 1 data problem, 2 usage error. Logs go to stderr; --json prints ' +
  'machine-readable output on stdout.';

function buildParser(argv: string[]): Argv {
  let parser = yargs(argv)
    .scriptName('slidepack')
    .usage(
      '$0 <command> [options]\n\nConvert, check, document and publish slide annotation data sets.',
    )
    .option('json', { type: 'boolean', describe: 'machine-readable output on stdout' })
    .option('quiet', { alias: 'q', type: 'boolean', describe: 'only warnings and errors' })
    .option('verbose', { alias: 'v', type: 'boolean', describe: 'more detail, and stack traces' })
    .demandCommand(1, 'name a command; see slidepack --help')
    .strict()
    .recommendCommands()
    .epilogue(EPILOGUE)
    .wrap(Math.min(100, process.stdout.columns || 100))
    .exitProcess(false)
    .fail((message, error) => {
      if (error) throw error;
      throw new UsageError(message);
    });
  for (const command of commands) parser = parser.command(command as CommandModule);
  return parser.help().alias('help', 'h').version();
}

/** Run the command line; sets `process.exitCode` instead of exiting so output can drain. */
export async function main(argv: string[]): Promise<void> {
  const verbose = argv.includes('--verbose') || argv.includes('-v');
  const json = argv.includes('--json');
  try {
    await buildParser(argv).parseAsync();
  } catch (error) {
    process.exitCode = reportError(error, verbose, json);
  }
}

/** The one place errors become messages and exit codes. */
export function reportError(error: unknown, verbose: boolean, json: boolean): number {
  // A file the system refused (missing folder, a file where a folder should be, no space, no
  // permission) is the user's to fix, not a bug: one line and exit 1.
  const systemError = isSystemError(error);
  const known = error instanceof SlidepackError || systemError;
  const exitCode = error instanceof SlidepackError ? error.exitCode : 1;
  if (json) {
    process.stdout.write(`${JSON.stringify(errorJson(error, exitCode))}\n`);
  }
  if (error instanceof DataError) {
    for (const message of error.messages) process.stderr.write(`${formatMessage(message)}\n`);
    const more = error.total - error.messages.length;
    if (more > 0) process.stderr.write(`… and ${more} more like these, not shown\n`);
  }
  const text = error instanceof Error ? error.message : String(error);
  process.stderr.write(`error: ${text}\n`);
  if (error instanceof UsageError) process.stderr.write('see slidepack --help\n');
  if (!known || error instanceof InternalError) {
    process.stderr.write(
      'This looks like a bug in slidepack. Please report it with the command you ran ' +
        `(node ${process.version}, ${process.platform}).\n`,
    );
  }
  if (verbose && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
  return exitCode;
}

function isSystemError(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' && /^E[A-Z]+$/.test(code) && error instanceof Error;
}

function errorJson(error: unknown, exitCode: number) {
  return {
    ok: false,
    exitCode,
    error: error instanceof Error ? { name: error.name, message: error.message } : String(error),
    messages: error instanceof DataError ? error.messages : [],
  };
}
