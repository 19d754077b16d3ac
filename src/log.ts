import { formatMessage, type Message } from './messages.js';

/**
 * A small logger: stdout is for data, everything here goes to stderr. Quiet by default shows
 * warnings and errors and one-line summaries; `--verbose` adds detail; `--json` switches
 * events to NDJSON lines on stdout for machines.
 */
export type LogLevel = 'silent' | 'quiet' | 'normal' | 'verbose';

export interface Logger {
  readonly level: LogLevel;
  readonly json: boolean;
  error(text: string): void;
  warn(text: string): void;
  /** A result line a person wants to see (summaries). */
  info(text: string): void;
  verbose(text: string): void;
  /** A data problem, at the level its severity calls for (info only with --verbose). */
  report(message: Message): void;
  /** A machine event; printed as NDJSON on stdout only in `--json` mode. */
  event(name: string, data: Record<string, unknown>): void;
}

const RANK: Record<LogLevel, number> = { silent: 0, quiet: 1, normal: 2, verbose: 3 };

export interface LoggerOptions {
  level?: LogLevel;
  json?: boolean;
  stderr?: NodeJS.WritableStream;
  stdout?: NodeJS.WritableStream;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? 'normal';
  const json = options.json ?? false;
  const err = options.stderr ?? process.stderr;
  const out = options.stdout ?? process.stdout;
  const at = (min: LogLevel) => RANK[level] >= RANK[min];

  return {
    level,
    json,
    error: (text) => at('quiet') && err.write(`error: ${text}\n`),
    warn: (text) => at('quiet') && err.write(`warning: ${text}\n`),
    info: (text) => at('normal') && err.write(`${text}\n`),
    verbose: (text) => at('verbose') && err.write(`${text}\n`),
    report: (message) =>
      at(message.severity === 'info' ? 'verbose' : 'quiet') &&
      err.write(`${formatMessage(message)}\n`),
    event: (name, data) => {
      if (json) out.write(`${JSON.stringify({ event: name, ...data })}\n`);
    },
  } as Logger;
}

/** A logger that drops everything; the default for library calls. */
export const silentLogger: Logger = createLogger({ level: 'silent' });
