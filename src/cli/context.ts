import { createLogger, type Logger, type LogLevel } from '../log.js';

/** Options every command takes. */
export interface GlobalArgs {
  json?: boolean;
  quiet?: boolean;
  verbose?: boolean;
}

export function loggerFor(args: GlobalArgs): Logger {
  const level: LogLevel = args.verbose ? 'verbose' : args.quiet ? 'quiet' : 'normal';
  return createLogger({ level, json: args.json ?? false });
}

/** Print a machine-readable result on stdout (used with `--json`). */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Print human-readable data on stdout. */
export function printLines(lines: string[]): void {
  if (lines.length) process.stdout.write(`${lines.join('\n')}\n`);
}
