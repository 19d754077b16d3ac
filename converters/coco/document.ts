import { BufferedOutput, openOutput } from '../../src/io/output.js';
import type { Slide } from '../../src/model/types.js';
import type { Shape } from './encode.js';
import type { Vote } from './labels.js';

/** One COCO annotation as written, before its id. */
export interface AnnotationEntry extends Shape {
  category_id: number;
  iscrowd: 0 | 1;
  score?: number;
  labels?: (number | null)[];
  label_votes?: Vote[];
  extras?: Record<string, unknown>;
}

/** The image of a slide in one file: its id there and how far its boxes reach. */
export interface ImageState {
  id: number;
  slideId: string;
  slide: Slide | undefined;
  /** Annotations written for it, and how far their boxes reach. */
  annotations: number;
  right: number;
  bottom: number;
}

/**
 * One COCO file written as annotations arrive: `{"annotations": [` first, one object a line,
 * then images, categories and the other members once every annotation is out. JSON does not
 * care about key order, and this way only the images (not the annotations) stay in memory.
 */
export class CocoDocument {
  private readonly images = new Map<string, ImageState>();
  private nextAnnotation = 1;

  private constructor(
    private readonly out: BufferedOutput,
    readonly path: string,
  ) {}

  static async open(path: string): Promise<CocoDocument> {
    const out = new BufferedOutput(await openOutput(path));
    await out.write('{"annotations": [');
    return new CocoDocument(out, path);
  }

  /** The image of a slide, numbered from 1 in the order slides reach this file. */
  image(slideId: string, slide?: Slide): ImageState {
    let image = this.images.get(slideId);
    if (!image) {
      image = { id: this.images.size + 1, slideId, slide, annotations: 0, right: 0, bottom: 0 };
      this.images.set(slideId, image);
    }
    if (slide) image.slide = slide;
    return image;
  }

  async annotation(slideId: string, entry: AnnotationEntry): Promise<void> {
    const image = this.image(slideId);
    const [x, y, w, h] = entry.bbox;
    image.annotations += 1;
    image.right = Math.max(image.right, x + w);
    image.bottom = Math.max(image.bottom, y + h);
    const { extras, ...fields } = entry;
    const record = { id: this.nextAnnotation, image_id: image.id, ...fields };
    const text = JSON.stringify(extras ? { ...extras, ...record } : record);
    await this.out.write(`${this.nextAnnotation === 1 ? '\n' : ',\n'}${text}`);
    this.nextAnnotation += 1;
  }

  /** Every image of this file, for the caller to size and describe. */
  imageStates(): IterableIterator<ImageState> {
    return this.images.values();
  }

  /** Close the annotations array, write the other members and commit the file. */
  async finish(members: Record<string, unknown>): Promise<void> {
    await this.out.write(this.nextAnnotation > 1 ? '\n]' : ']');
    for (const [key, value] of Object.entries(members)) {
      await this.out.write(`,\n${JSON.stringify(key)}: ${listJson(value)}`);
    }
    await this.out.write('\n}\n');
    await this.out.commit();
  }

  abort(): Promise<void> {
    return this.out.abort();
  }
}

/** Arrays one item a line, so a file of many images stays readable. */
function listJson(value: unknown): string {
  if (!Array.isArray(value) || value.length === 0) return JSON.stringify(value);
  return `[\n${value.map((item) => JSON.stringify(item)).join(',\n')}\n]`;
}
