import type { Converter } from '../../src/converter.js';
import { sliderunnerFormat } from './format.js';
import { fromSlideRunner } from './read.js';
import { toSlideRunner } from './write.js';

/** SlideRunner SQLite databases: every annotator's label, the agreed class, soft deletes. */
export const sliderunnerSqlite: Converter = {
  format: sliderunnerFormat,
  read: fromSlideRunner,
  createWriter: toSlideRunner,
};
