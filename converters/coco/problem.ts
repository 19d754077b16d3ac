/** A problem with one annotation: reported as an error at its JSON pointer, the object skipped. */
export class Problem extends Error {
  constructor(
    readonly place: string,
    message: string,
    readonly expected?: string,
    readonly actual?: unknown,
  ) {
    super(message);
  }
}

/** A value as it appears in the file, for messages. */
export function show(value: unknown): string {
  return JSON.stringify(value) ?? 'missing';
}
