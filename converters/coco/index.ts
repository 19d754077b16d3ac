import type { Converter } from '../../src/converter.js';
import { cocoFormat } from './format.js';
import { cocoOptions } from './options.js';
import { readCoco } from './read.js';
import { createCocoWriter } from './write.js';

/** COCO detection / instance segmentation JSON, including the MIDOG corner-box variant. */
export const coco: Converter = {
  format: cocoFormat,
  options: cocoOptions,
  read: readCoco,
  createWriter: createCocoWriter,
};
