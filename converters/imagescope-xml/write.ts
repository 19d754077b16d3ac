import { appendFile, mkdtemp, rm } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RecordWriter, WriteContext, WriteTarget } from '../../src/converter.js';
import { BufferedOutput, openOutput } from '../../src/io/output.js';
import { attributeText, plainNumber } from '../../src/io/xml.js';
import { toColorref } from '../../src/model/color.js';
import { reportFieldLosses } from '../../src/model/field-losses.js';
import type {
  AnnotationClass,
  AnnotationObject,
  CanonicalRecord,
  Slide,
} from '../../src/model/types.js';
import type { XmlTree } from './parse.js';
import { type RegionOut, regionsOf } from './regions.js';

const FORMAT = 'imagescope-xml';
const FIELDS = { format: FORMAT, flags: ['negative'] } as const;
/** Regions of a layer are kept in memory up to this many characters, then spooled to disk. */
const SPOOL_AT = 8 << 20;

/** One layer being written: its class, and its regions so far (in memory or spooled). */
interface Layer {
  cls?: AnnotationClass;
  parts: string[];
  size: number;
  spool?: string;
  regions: number;
}

/**
 * Write ImageScope XML: one layer per class (plus one for objects without a class), regions as
 * polygons, rectangles, ellipses and rulers, holes as `NegativeROA` regions. Layers must be
 * contiguous while objects arrive in any order, so each layer's regions are collected apart
 * (spooled to a temporary file when large) and the file is assembled at the end.
 */
export async function writeImageScope(
  target: WriteTarget,
  context: WriteContext,
): Promise<RecordWriter> {
  const out = new BufferedOutput(await openOutput(target.path));
  const writer = new ImageScopeWriter(out, context, await mkdtemp(join(tmpdir(), 'slidepack-')));
  return {
    write: (record) => writer.write(record),
    end: async () => {
      await writer.finish();
      await out.commit();
      await writer.cleanUp();
    },
    abort: async () => {
      await out.abort();
      await writer.cleanUp();
    },
  };
}

class ImageScopeWriter {
  private readonly layers = new Map<string, Layer>();
  private slide?: Slide;

  constructor(
    private readonly out: BufferedOutput,
    private readonly context: WriteContext,
    private readonly spoolDir: string,
  ) {}

  write(record: CanonicalRecord): Promise<void> | undefined {
    if (record.type === 'class') this.layers.set(record.id, emptyLayer(record));
    else if (record.type === 'slide') this.slideRecord(record);
    else if (record.type === 'object') return this.object(record);
    return undefined;
  }

  private slideRecord(slide: Slide): void {
    this.slide = slide;
    const mpp = slide.mpp;
    if ((mpp && mpp.x !== mpp.y) || slide.frame.origin === 'bounds-cropped') {
      this.context.loss.add('SLIDE_INFO_DROPPED', slide.id, { mpp, frame: slide.frame });
    }
  }

  private async object(object: AnnotationObject): Promise<void> {
    const loss = this.context.loss;
    const cls = object.class === undefined ? undefined : this.layers.get(object.class)?.cls;
    reportFieldLosses({ ...object, group: groupLost(object) }, cls?.path, FIELDS, loss);
    if (!/^r\d+$/.test(object.id)) loss.add('OBJECT_ID_DROPPED', object.id);
    const regions = regionsOf(object, loss);
    if (regions.length === 0) return;
    const key = object.class !== undefined && this.layers.has(object.class) ? object.class : '';
    const layer = this.layers.get(key) ?? this.addLayer(key);
    for (const region of regions) await this.add(layer, this.regionXml(object, region, layer));
    loss.objectsWritten += 1;
  }

  private addLayer(key: string): Layer {
    const layer = emptyLayer(undefined);
    this.layers.set(key, layer);
    return layer;
  }

  private async add(layer: Layer, text: string): Promise<void> {
    layer.parts.push(text);
    layer.size += text.length;
    if (layer.size < SPOOL_AT) return;
    layer.spool ??= join(this.spoolDir, `layer-${this.layers.size}-${Math.random()}.xml`);
    await appendFile(layer.spool, layer.parts.join(''));
    layer.parts = [];
    layer.size = 0;
  }

  private regionXml(object: AnnotationObject, region: RegionOut, layer: Layer): string {
    layer.regions += 1;
    const mpp = this.slide?.mpp?.x;
    const own = region.kept?.attributes ?? {};
    const fresh = region.kept?.attributes === undefined;
    // Z is written as the source had it, else from the object's plane (ImageScope's default 0).
    const kept = fresh ? { z: String(object.plane?.z ?? 0) } : { z: region.kept?.z };
    const attributes: Record<string, string> = {
      // A region read from ImageScope keeps exactly its own attributes.
      ...(fresh ? defaultRegion(layer.regions, region, mpp) : {}),
      ...own,
      Type: region.type,
    };
    const text = region.hole ? own.Text : object.name;
    if (text !== undefined || 'Text' in attributes) attributes.Text = text ?? '';
    // A missing NegativeROA reads as 0, so a region whose source had none is written without.
    if (region.negative || 'NegativeROA' in attributes) {
      attributes.NegativeROA = region.negative ? '1' : '0';
    }
    const children = region.kept?.children ?? (fresh ? [EMPTY_ATTRIBUTES] : []);
    const vertices = region.vertices
      .map(([x, y], i) => {
        const z = Array.isArray(kept.z) ? kept.z[i] : kept.z;
        const zText = z === undefined ? '' : ` Z="${z}"`;
        return `\t\t\t\t\t<Vertex X="${plainNumber(x)}" Y="${plainNumber(y)}"${zText}/>\n`;
      })
      .join('');
    return (
      `\t\t\t<Region ${attributeText(attributes)}>\n` +
      children.map((c) => treeXml(c, 4)).join('') +
      `\t\t\t\t<Vertices>\n${vertices}\t\t\t\t</Vertices>\n\t\t\t</Region>\n`
    );
  }

  /** The whole document: root, then each layer with its regions in the order they came. */
  async finish(): Promise<void> {
    const root =
      (this.slide?.extras?.[FORMAT] as { attributes?: Record<string, string> })?.attributes ?? {};
    const mpp = this.slide?.mpp;
    const attributes = { ...root };
    if (mpp && Number(root.MicronsPerPixel) !== mpp.x) attributes.MicronsPerPixel = String(mpp.x);
    await this.out.write(`<Annotations${attributePart(attributes)}>\n`);
    let n = 0;
    for (const layer of this.layers.values()) await this.layerXml(layer, ++n);
    await this.out.write('</Annotations>\n');
  }

  private async layerXml(layer: Layer, n: number): Promise<void> {
    const extras = (layer.cls?.extras?.[FORMAT] ?? {}) as {
      attributes?: Record<string, string>;
      children?: XmlTree[];
      derivedName?: string;
    };
    const attributes = extras.attributes ? { ...extras.attributes } : defaultLayer(n);
    const renamed = layer.cls && layer.cls.name !== extras.derivedName;
    if (renamed) attributes.Name = layer.cls!.name;
    if (layer.cls?.color) attributes.LineColor = String(toColorref(layer.cls.color));
    await this.out.write(`\t<Annotation ${attributeText(attributes)}>\n`);
    const kept = extras.children?.some((c) => c.name === 'Regions') ? extras.children : undefined;
    for (const child of kept ?? DEFAULT_LAYER_CHILDREN) {
      if (child.name !== 'Regions') {
        await this.out.write(treeXml(child, 2));
        continue;
      }
      const inner = child.children.map((c) => treeXml(c, 3)).join('');
      await this.out.write(`\t\t<Regions${attributePart(child.attributes)}>\n${inner}`);
      await this.regions(layer);
      await this.out.write('\t\t</Regions>\n');
    }
    await this.out.write('\t</Annotation>\n');
  }

  private async regions(layer: Layer): Promise<void> {
    if (layer.spool) {
      for await (const chunk of createReadStream(layer.spool, { encoding: 'utf8' })) {
        await this.out.write(chunk as string);
      }
    }
    await this.out.write(layer.parts.join(''));
  }

  cleanUp(): Promise<void> {
    return rm(this.spoolDir, { recursive: true, force: true });
  }
}

function emptyLayer(cls: AnnotationClass | undefined): Layer {
  return { ...(cls ? { cls } : {}), parts: [], size: 0, regions: 0 };
}

/** The group of an object is only lost when it says more than the class (ASAP groups do not). */
function groupLost(object: AnnotationObject): string | undefined {
  return object.group !== undefined && object.group !== object.class ? object.group : undefined;
}

function defaultLayer(n: number): Record<string, string> {
  return {
    Id: String(n),
    Name: '',
    ReadOnly: '0',
    NameReadOnly: '0',
    LineColorReadOnly: '0',
    Incremental: '0',
    Type: '4',
    LineColor: '65280',
    Visible: '1',
    Selected: '0',
    MarkupImagePath: '',
    MacroName: '',
  };
}

const EMPTY_ATTRIBUTES: XmlTree = { name: 'Attributes', attributes: {}, children: [] };

const header = (id: string, name: string): XmlTree => ({
  name: 'AttributeHeader',
  attributes: { Id: id, Name: name, ColumnWidth: '-1' },
  children: [],
});

const DEFAULT_LAYER_CHILDREN: XmlTree[] = [
  { name: 'Attributes', attributes: {}, children: [] },
  {
    name: 'Regions',
    attributes: {},
    children: [
      {
        name: 'RegionAttributeHeaders',
        attributes: {},
        children: [
          header('9999', 'Region'),
          header('9997', 'Length'),
          header('9996', 'Area'),
          header('9998', 'Text'),
        ],
      },
    ],
  },
  { name: 'Plots', attributes: {}, children: [] },
];

function defaultRegion(id: number, region: RegionOut, mpp: number | undefined) {
  return {
    Id: String(id),
    Type: region.type,
    Zoom: '1',
    Selected: '0',
    ImageLocation: '',
    ImageFocus: '-1',
    Length: region.length.toFixed(1),
    Area: region.area.toFixed(1),
    LengthMicrons: mpp ? (region.length * mpp).toFixed(1) : '0',
    AreaMicrons: mpp ? (region.area * mpp * mpp).toFixed(1) : '0',
    Text: '',
    NegativeROA: '0',
    InputRegionId: '0',
    Analyze: '1',
    DisplayId: String(id),
  };
}

function attributePart(attributes: Record<string, string>): string {
  const text = attributeText(attributes);
  return text ? ` ${text}` : '';
}

/** A kept element written back, tab-indented at `depth`. */
function treeXml(tree: XmlTree, depth: number): string {
  const pad = '\t'.repeat(depth);
  const open = `${pad}<${tree.name}${attributePart(tree.attributes)}`;
  if (tree.children.length === 0) return `${open}/>\n`;
  const inner = tree.children.map((c) => treeXml(c, depth + 1)).join('');
  return `${open}>\n${inner}${pad}</${tree.name}>\n`;
}
