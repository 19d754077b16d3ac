import type { Message } from './messages.js';

/**
 * Tool failures. Data problems are collected as {@link Message}s; these classes are for the few
 * cases that stop a command, and `src/cli/main.ts` turns each into an exit code once.
 */
export class SlidepackError extends Error {
  readonly exitCode: number = 1;
}

/** The command line itself is wrong: unknown option, missing argument. Exit 2. */
export class UsageError extends SlidepackError {
  override readonly exitCode = 2;
  override name = 'UsageError';
}

/** An input cannot be used at all: missing, unreadable, not the expected format. Exit 1. */
export class InputError extends SlidepackError {
  override name = 'InputError';

  constructor(
    message: string,
    readonly file?: string,
    readonly place?: string,
  ) {
    super(file ? `${file}${place ? ` (${place})` : ''}: ${message}` : message);
  }
}

/** Reading or checking found errors; the messages say where. Exit 1. */
export class DataError extends SlidepackError {
  override name = 'DataError';

  constructor(
    message: string,
    readonly messages: Message[],
    /** How many problems there were in all; `messages` may hold only the first of each kind. */
    readonly total = messages.length,
  ) {
    super(message);
  }

  /** The loss report of a conversion that `--strict` stopped, so it can still be written. */
  report?: unknown;
}

/** Object storage refused or failed; carries the store's error code and the key. Exit 1. */
export class PublishError extends SlidepackError {
  override name = 'PublishError';

  constructor(
    message: string,
    readonly code?: string,
    readonly key?: string,
  ) {
    super(message);
  }
}

/** A bug in slidepack: printed with a request to report it. */
export class InternalError extends SlidepackError {
  override name = 'InternalError';
}
