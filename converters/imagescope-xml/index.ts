import type { Converter } from '../../src/converter.js';
import { imagescopeCliOptions, imagescopeFormat } from './format.js';
import { readImageScope } from './read.js';
import { writeImageScope } from './write.js';

/** Aperio ImageScope XML: layers of polygon, rectangle, ellipse and ruler regions. */
export const imagescopeXml: Converter = {
  format: imagescopeFormat,
  options: imagescopeCliOptions,
  read: readImageScope,
  createWriter: writeImageScope,
};
