import type { RecordWriter, WriteContext, WriteTarget } from '../../src/converter.js';
import { BufferedOutput, openOutput } from '../../src/io/output.js';
import { attributeText, formatFloat32 } from '../../src/io/xml.js';
import { reportFieldLosses } from '../../src/model/field-losses.js';
import type {
  AnnotationClass,
  AnnotationObject,
  CanonicalRecord,
  Slide,
} from '../../src/model/types.js';
import { ASAP_DEFAULT_COLOR } from './format.js';
import { AsapGroups } from './groups-out.js';
import { asapOptions } from './options.js';
import { type AsapShape, shapesOf } from './shapes.js';

const FIELDS = { format: 'asap-xml', color: true, group: true, flags: ['negative'] } as const;

/**
 * Write ASAP XML that ASAP opens: annotations first, then every group they name (ASAP drops
 * the whole file when a `PartOfGroup` is undefined), 0-based `Order`, open rings and numbers a
 * float32 holds. Annotations stream to the file; groups are written at the end.
 */
export async function writeAsap(target: WriteTarget, context: WriteContext): Promise<RecordWriter> {
  const out = new BufferedOutput(await openOutput(target.path));
  const exclusion = [...asapOptions(context.options).exclusionGroups][0] ?? 'exclusion';
  const writer = new AsapWriter(out, context, new AsapGroups(exclusion));
  await out.write('<?xml version="1.0"?>\n<ASAP_Annotations>\n\t<Annotations>\n');
  return {
    write: (record) => writer.write(record),
    async end() {
      await out.write(`\t</Annotations>\n${writer.groups.xml(context)}</ASAP_Annotations>\n`);
      await out.commit();
    },
    abort: () => out.abort(),
  };
}

class AsapWriter {
  private readonly classes = new Map<string, AnnotationClass>();
  private index = 0;

  constructor(
    private readonly out: BufferedOutput,
    private readonly context: WriteContext,
    readonly groups: AsapGroups,
  ) {}

  async write(record: CanonicalRecord): Promise<void> {
    switch (record.type) {
      case 'class':
        this.classes.set(record.id, record);
        this.groups.addClass(record);
        return;
      case 'group':
        this.groups.addGroup(record);
        return;
      case 'slide':
        return this.slide(record);
      case 'object':
        return this.object(record);
    }
  }

  private slide(slide: Slide): void {
    const frame = slide.frame;
    const otherFrame = frame.origin === 'bounds-cropped' || frame.pixelConvention === 'corner';
    if (slide.mpp || otherFrame) {
      this.context.loss.add('SLIDE_INFO_DROPPED', slide.id, { mpp: slide.mpp, frame });
    }
  }

  private async object(object: AnnotationObject): Promise<void> {
    const loss = this.context.loss;
    const path = object.class ? this.classes.get(object.class)?.path : undefined;
    reportFieldLosses(object, path, FIELDS, loss);
    const shapes = shapesOf(object, loss);
    if (shapes.length === 0) return;
    const group = this.groups.groupOf(object);
    // Reading numbers objects by position (holes aside), so only that id survives a round trip.
    const parts = shapes.filter((shape) => !shape.hole).length;
    if (`a${this.index}` !== object.id || parts > 1) loss.add('OBJECT_ID_DROPPED', object.id);
    let text = '';
    for (const shape of shapes) text += this.annotation(object, shape, group);
    this.index += parts;
    loss.objectsWritten += 1;
    await this.out.write(text);
  }

  private annotation(object: AnnotationObject, shape: AsapShape, group: string): string {
    const extras = (object.extras?.['asap-xml'] ?? {}) as {
      attributes?: Record<string, string>;
      color?: string;
      tag?: string;
    };
    const attributes: Record<string, string> = {
      Name: shape.hole ? shape.hole.name : (object.name ?? ''),
      Type: shape.type,
      PartOfGroup: shape.hole ? this.groups.exclusionGroup() : group,
    };
    // Like ASAP's own writer, every annotation has a Color (its default where none is known).
    const color = object.color ? this.groups.colorText(object.color) : extras.color;
    attributes.Color = (shape.hole ? shape.hole.color : color) ?? ASAP_DEFAULT_COLOR;
    if (!shape.hole) Object.assign(attributes, extras.attributes);
    const tag = extras.tag ?? 'Annotation';
    const coordinates = this.coordinates(object, shape);
    return `\t\t<${tag} ${attributeText(attributes)}>\n${coordinates}\t\t</${tag}>\n`;
  }

  private coordinates(object: AnnotationObject, shape: AsapShape): string {
    let rounded = false;
    const lines = shape.points.map(([x, y], order) => {
      const tx = formatFloat32(x);
      const ty = formatFloat32(y);
      rounded ||= Number(tx) !== x || Number(ty) !== y;
      return `\t\t\t\t<Coordinate Order="${order}" X="${tx}" Y="${ty}" />\n`;
    });
    if (rounded) this.context.loss.add('COORDS_ROUNDED', object.id, { precision: 'float32' });
    return `\t\t\t<Coordinates>\n${lines.join('')}\t\t\t</Coordinates>\n`;
  }
}
