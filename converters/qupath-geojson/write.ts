import type { RecordWriter, WriteContext, WriteTarget } from '../../src/converter.js';
import { UsageError } from '../../src/errors.js';
import { BufferedOutput, openOutput } from '../../src/io/output.js';
import type { AnnotationClass, AnnotationObject, CanonicalRecord } from '../../src/model/types.js';
import { FeatureBuilder, QUPATH_VERSIONS, type QupathVersion } from './write-feature.js';

/** The version written when `--qupath-version` is not given: the style 0.4–0.6 all import. */
export const DEFAULT_VERSION: QupathVersion = '0.4';

interface Node {
  feature: Record<string, unknown>;
  children: Node[];
}

/**
 * Write QuPath GeoJSON as a stream: a FeatureCollection (a bare array of Features for 0.2,
 * which had only script import), one feature per line. Child objects are nested under their
 * parent in `childObjects` when they arrive right after it, as QuPath and slidepack's reader
 * order them; only that one subtree is held in memory at a time.
 */
export async function createQupathWriter(
  target: WriteTarget,
  context: WriteContext,
): Promise<RecordWriter> {
  const version = targetVersion(context.options);
  const out = new BufferedOutput(await openOutput(target.path));
  const writer = new QupathWriter(out, version, context);
  await out.write(version === '0.2' ? '[' : '{"type":"FeatureCollection","features":[');
  return writer;
}

function targetVersion(options: Record<string, unknown>): QupathVersion {
  const value = options['qupath-version'] ?? options.qupathVersion ?? DEFAULT_VERSION;
  const text = String(value);
  if ((QUPATH_VERSIONS as readonly string[]).includes(text)) return text as QupathVersion;
  throw new UsageError(`--qupath-version ${text}: choose one of ${QUPATH_VERSIONS.join(', ')}`);
}

class QupathWriter implements RecordWriter {
  private readonly classes = new Map<string, AnnotationClass>();
  private readonly builder: FeatureBuilder;
  /** The subtree being collected: its root and every member by object id. */
  private pending: { root: Node; members: Map<string, Node> } | undefined;
  private written = 0;

  constructor(
    private readonly out: BufferedOutput,
    private readonly version: QupathVersion,
    private readonly context: WriteContext,
  ) {
    this.builder = new FeatureBuilder(version, this.classes, context.loss);
  }

  async write(record: CanonicalRecord): Promise<void> {
    if (record.type === 'class') this.classes.set(record.id, record);
    else if (record.type === 'slide' && record.mpp) {
      this.context.loss.add('SLIDE_INFO_DROPPED', record.id, { fields: ['mpp'] });
    } else if (record.type === 'object') await this.object(record);
  }

  private async object(o: AnnotationObject): Promise<void> {
    const feature = this.builder.build(o);
    if (!feature) return;
    this.context.loss.objectsWritten += 1;
    const node: Node = { feature, children: [] };
    const parent = o.parent === undefined ? undefined : this.pending?.members.get(o.parent);
    if (parent) {
      parent.children.push(node);
      this.pending!.members.set(o.id, node);
      return;
    }
    if (o.parent !== undefined) {
      this.context.loss.add('HIERARCHY_DROPPED', o.id, {
        reason: 'parent not written just before',
      });
    }
    await this.flush();
    this.pending = { root: node, members: new Map([[o.id, node]]) };
  }

  private async flush(): Promise<void> {
    if (!this.pending) return;
    const text = JSON.stringify(nest(this.pending.root));
    this.pending = undefined;
    await this.out.write(this.written++ === 0 ? `\n${text}` : `,\n${text}`);
  }

  async end(): Promise<void> {
    await this.flush();
    await this.out.write(this.version === '0.2' ? '\n]\n' : '\n]}\n');
    await this.out.commit();
  }

  abort(): Promise<void> {
    return this.out.abort();
  }
}

function nest(node: Node): Record<string, unknown> {
  if (node.children.length === 0) return node.feature;
  const properties = node.feature.properties as Record<string, unknown>;
  properties.childObjects = node.children.map(nest);
  return node.feature;
}
