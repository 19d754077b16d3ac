import type { Converter } from '../../src/converter.js';
import { asapFormat } from './format.js';
import { asapCliOptions } from './options.js';
import { readAsap } from './read.js';
import { writeAsap } from './write.js';

/** ASAP XML: polygons, splines, dots, point sets, rectangles and rulers in named groups. */
export const asapXml: Converter = {
  format: asapFormat,
  options: asapCliOptions,
  read: readAsap,
  createWriter: writeAsap,
};
