import type { Converter } from '../../src/converter.js';
import { canonicalFormat } from './format.js';
import { fromCanonical } from './read.js';
import { toCanonical } from './write.js';

/** The canonical NDJSON form: holds everything every other format can hold. */
export const canonical: Converter = {
  format: canonicalFormat,
  read: fromCanonical,
  createWriter: toCanonical,
};
