import type { WriteContext } from '../../src/converter.js';
import type { Slide } from '../../src/model/types.js';
import type { ImageState } from './document.js';
import type { ImageSize } from './encode.js';

const IMAGE_KEYS = new Set(['id', 'file_name', 'width', 'height']);
/** Slides named in a summarised warning. */
const EXAMPLES = 5;

/** The slide's own size, when it has one. */
export function sizeOf(slide: Slide | undefined): ImageSize | undefined {
  const { width, height } = slide ?? {};
  if (typeof width === 'number' && typeof height === 'number' && width > 0 && height > 0) {
    return { width, height };
  }
  return undefined;
}

/**
 * The `images` of one file. An image's size is the slide's, else `--image-size`, else the
 * extent of the boxes written for it rounded up, so that every box lies inside its image by
 * construction. A slide with neither a size nor objects has no size to give: COCO requires
 * one and 0 × 0 would be a lie, so it is left out (SLIDE_DROPPED). Both are said once per file.
 */
export function imagesJson(
  images: Iterable<ImageState>,
  path: string,
  imageSize: ImageSize | undefined,
  context: WriteContext,
): Record<string, unknown>[] {
  const fromExtent: string[] = [];
  const dropped: string[] = [];
  const out: Record<string, unknown>[] = [];
  for (const image of images) {
    let size = sizeOf(image.slide) ?? imageSize;
    if (!size && image.annotations === 0) {
      dropped.push(image.slideId);
      context.loss.add('SLIDE_DROPPED', image.slideId, DROP_PARAMS);
      continue;
    }
    if (!size) {
      size = { width: Math.ceil(image.right), height: Math.ceil(image.bottom) };
      fromExtent.push(`"${image.slideId}" ${size.width} × ${size.height}`);
    }
    out.push(imageJson(image, size));
  }
  warnExtent(fromExtent, path, context);
  warnDropped(dropped, path, context);
  return out;
}

const DROP_PARAMS = { reason: 'no slide size and no objects', keep: '--image-size WxH' };

function imageJson(image: ImageState, size: ImageSize): Record<string, unknown> {
  const extras = { ...((image.slide?.extras?.coco ?? {}) as Record<string, unknown>) };
  for (const [key, value] of Object.entries(image.slide?.metadata ?? {})) {
    if (!(key in extras)) extras[key] = value;
  }
  for (const key of IMAGE_KEYS) delete extras[key];
  const fileName = image.slide?.name ?? image.slideId;
  return { id: image.id, file_name: fileName, width: size.width, height: size.height, ...extras };
}

function warnExtent(slides: string[], path: string, context: WriteContext): void {
  if (slides.length === 0) return;
  context.messages.warn(
    'coco/image-size-from-extent',
    `${count(slides.length, 'slide')} no size; each image is sized to the extent of its ` +
      `annotations rounded up (${examples(slides)}); give --image-size WxH to set it`,
    { file: path, place: '/images' },
  );
}

function warnDropped(slides: string[], path: string, context: WriteContext): void {
  if (slides.length === 0) return;
  const quoted = slides.map((id) => `"${id}"`);
  context.messages.warn(
    'coco/image-dropped',
    `${count(slides.length, 'slide')} no size and no objects, so no image size to write; ` +
      `left out of /images (${examples(quoted)}); give --image-size WxH to keep them`,
    { file: path, place: '/images' },
  );
}

function count(n: number, what: string): string {
  return n === 1 ? `1 ${what} has` : `${n} ${what}s have`;
}

function examples(items: string[]): string {
  const shown = items.slice(0, EXAMPLES).join(', ');
  return items.length > EXAMPLES ? `${shown} and ${items.length - EXAMPLES} more` : shown;
}
