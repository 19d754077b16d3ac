import type { ConverterOption } from '../../src/converter.js';
import { UsageError } from '../../src/errors.js';
import type { EncodeOptions, ImageSize } from './encode.js';

/** COCO's options for `slidepack convert`. */
export const cocoOptions: Record<string, ConverterOption> = {
  'bbox-format': {
    describe:
      'COCO reading: bbox as [x, y, w, h] (xywh) or corners [x1, y1, x2, y2] (xyxy, the MIDOG ' +
      'variant); auto decides by a stated rule and reports it',
    type: 'string',
    choices: ['auto', 'xywh', 'xyxy'],
    default: 'auto',
  },
  'boxes-as-points': {
    describe: 'COCO reading: read boxes without a segmentation as their centre points',
    type: 'boolean',
  },
  'point-box-size': {
    describe: 'COCO writing: side in pixels of the box written around a point (MIDOG: 50)',
    type: 'number',
    default: 50,
  },
  'clip-boxes': {
    describe:
      'COCO writing: cut boxes around points at the image edges (--no-clip-boxes keeps them ' +
      'whole, as MIDOG does)',
    type: 'boolean',
    default: true,
  },
  holes: {
    describe:
      'COCO writing: polygons with holes as RLE masks (mask; needs the image size), as their ' +
      'outer ring (fill), or left out (drop)',
    type: 'string',
    choices: ['mask', 'fill', 'drop'],
    default: 'mask',
  },
  'split-files': {
    describe: 'COCO writing: one file per slide split (train.json, val.json, …) in the -o folder',
    type: 'boolean',
  },
  'image-size': {
    describe:
      'COCO writing: WIDTHxHEIGHT of images whose slide size is unknown (default: the extent ' +
      'of their annotations)',
    type: 'string',
  },
};

export interface WriteOptions extends EncodeOptions {
  splitFiles: boolean;
  imageSize: ImageSize | undefined;
}

export function writeOptions(options: Record<string, unknown>): WriteOptions {
  const side = options['point-box-size'] ?? 50;
  if (typeof side !== 'number' || !(side > 0)) {
    throw new UsageError(`--point-box-size must be a number of pixels > 0, not ${String(side)}`);
  }
  const holes = options.holes ?? 'mask';
  if (holes !== 'mask' && holes !== 'fill' && holes !== 'drop') {
    throw new UsageError(`--holes must be mask, fill or drop, not ${String(holes)}`);
  }
  return {
    pointBoxSize: side,
    clipBoxes: options['clip-boxes'] !== false,
    holes,
    splitFiles: options['split-files'] === true,
    imageSize: parseImageSize(options['image-size']),
  };
}

function parseImageSize(value: unknown): ImageSize | undefined {
  if (value === undefined) return undefined;
  const match = /^(\d+)\s*[x×]\s*(\d+)$/i.exec(String(value).trim());
  if (!match || Number(match[1]) === 0 || Number(match[2]) === 0) {
    throw new UsageError(`--image-size must be WIDTHxHEIGHT in pixels, e.g. 100000x80000`);
  }
  return { width: Number(match[1]), height: Number(match[2]) };
}
