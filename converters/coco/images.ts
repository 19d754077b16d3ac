import type { WriteContext } from '../../src/converter.js';
import type { Slide } from '../../src/model/types.js';
import type { ImageState } from './document.js';
import type { ImageSize } from './encode.js';

const IMAGE_KEYS = new Set(['id', 'file_name', 'width', 'height']);

/** The slide's own size, when it has one. */
export function sizeOf(slide: Slide | undefined): ImageSize | undefined {
  const { width, height } = slide ?? {};
  if (typeof width === 'number' && typeof height === 'number' && width > 0 && height > 0) {
    return { width, height };
  }
  return undefined;
}

/**
 * One `images` entry. Its size is the slide's, else `--image-size`, else the extent of the
 * boxes written for it rounded up, so that every box lies inside its image by construction.
 */
export function imageJson(
  image: ImageState,
  imageSize: ImageSize | undefined,
  context: WriteContext,
): Record<string, unknown> {
  const size = sizeOf(image.slide) ?? imageSize ?? extentSize(image, context);
  const extras = { ...((image.slide?.extras?.coco ?? {}) as Record<string, unknown>) };
  for (const [key, value] of Object.entries(image.slide?.metadata ?? {})) {
    if (!(key in extras)) extras[key] = value;
  }
  for (const key of IMAGE_KEYS) delete extras[key];
  const fileName = image.slide?.name ?? image.slideId;
  return { id: image.id, file_name: fileName, width: size.width, height: size.height, ...extras };
}

function extentSize(image: ImageState, context: WriteContext): ImageSize {
  context.messages.warn(
    'coco/image-size-from-extent',
    `slide "${image.slideId}" has no size; its image size is the extent of its annotations ` +
      `(${Math.ceil(image.right)} × ${Math.ceil(image.bottom)}); give --image-size to set it`,
    { place: `/images/${image.id - 1}` },
  );
  return { width: Math.ceil(image.right), height: Math.ceil(image.bottom) };
}
