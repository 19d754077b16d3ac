import type { RecordWriter, WriteContext, WriteTarget } from '../../src/converter.js';
import { UsageError } from '../../src/errors.js';
import { AtomicFile } from '../../src/io/atomic.js';
import { toHex } from '../../src/model/color.js';
import { nameBasedUuid, } from '../../src/util/uuid.js';
import type {
  AnnotationClass,
  AnnotationObject,
  Annotator,
  CanonicalRecord,
  DatasetHeader,
  Slide,
} from '../../src/model/types.js';
import { FORMAT_ID, type LogRow } from './conventions.js';
import { fallbackColor, SlideRunnerTables } from './tables.js';
import { toParts } from './write-geometry.js';
import { reportFieldLosses } from './write-losses.js';

type Extras = Record<string, unknown>;

/**
 * Write a SlideRunner database in the newest schema, with its triggers and user_version, in
 * one transaction into a temporary file that is renamed into place only when complete.
 */
export async function toSlideRunner(
  target: WriteTarget,
  context: WriteContext,
): Promise<RecordWriter> {
  if (target.path === '-') throw new UsageError('SlideRunner SQLite needs a file: give -o <file>');
  const file = new AtomicFile(target.path);
  await file.prepare();
  const writer = new SlideRunnerWriter(new SlideRunnerTables(file.tempPath), context);
  return {
    write: (record) => writer.write(record),
    async end() {
      writer.tables.commit();
      await file.commit();
    },
    async abort() {
      writer.tables.close();
      await file.abort();
    },
  };
}

/** Turns canonical records into rows, remembering the uid each slide, class and person got. */
class SlideRunnerWriter {
  private readonly slides = new Map<string, number>();
  private readonly classes = new Map<string, number>();
  private readonly persons = new Map<string, number>();

  constructor(
    readonly tables: SlideRunnerTables,
    private readonly context: WriteContext,
  ) {}

  write(record: CanonicalRecord): void {
    if (record.type === 'dataset') this.dataset(record);
    else if (record.type === 'slide') this.slide(record);
    else if (record.type === 'class') this.cls(record);
    else if (record.type === 'annotator') this.person(record);
    else if (record.type === 'object') this.object(record);
  }

  /** The Log table of a SlideRunner source comes back as it was. */
  private dataset(header: DatasetHeader): void {
    const log = (header.extras?.[FORMAT_ID] as { log?: LogRow[] } | undefined)?.log;
    if (!Array.isArray(log)) return;
    for (const row of log) this.tables.addLog(row.uid ?? null, row.dateTime, row.labelId);
  }

  private slide(slide: Slide): number {
    const extras = ownExtras(slide.extras);
    if (slide.mpp || (slide.frame.origin === 'bounds-cropped' && slide.frame.boundsX)) {
      this.context.loss.add('SLIDE_INFO_DROPPED', slide.id);
    }
    const uid = this.tables.addSlide(sourceUid(slide.sourceIds), [
      slide.name,
      slide.width ?? null,
      slide.height ?? null,
      text(extras.directory),
      text(extras.uuid),
      text(extras.exactImageID),
      typeof extras.EXACTUSER === 'number' ? extras.EXACTUSER : 0,
    ]);
    this.slides.set(slide.id, uid);
    return uid;
  }

  private cls(cls: AnnotationClass): number {
    if (cls.path.length > 1) this.context.loss.add('CLASS_PATH_FLATTENED', cls.id);
    const name = cls.path.length > 1 ? cls.path.join(': ') : cls.name;
    const clickable = cls.flags?.clickable === false ? 0 : 1;
    const color = hexColor(cls) ?? fallbackColor(this.classes.size + 1);
    const uid = this.tables.addClass(sourceUid(cls.sourceIds), name, color, clickable);
    this.classes.set(cls.id, uid);
    return uid;
  }

  private person(annotator: Annotator): number {
    // LIMITATION: SlideRunner has no annotator kind; a model whose name the naming rule does not
    // recognise reads back as a person.
    const exact = ownExtras(annotator.extras).isExactUser;
    const isExactUser = typeof exact === 'number' ? exact : 0;
    const uid = this.tables.addPerson(sourceUid(annotator.sourceIds), annotator.name, isExactUser);
    this.persons.set(annotator.id, uid);
    return uid;
  }

  /** Ids an object uses without a record before it get a row named after the id. */
  private slideUid(id: string): number {
    return this.slides.get(id) ?? this.slide(placeholderSlide(id));
  }

  private classUid(id: string): number {
    return this.classes.get(id) ?? this.cls({ type: 'class', id, name: id, path: [id] });
  }

  private personUid(id: string): number {
    return (
      this.persons.get(id) ?? this.person({ type: 'annotator', id, name: id, kind: 'unknown' })
    );
  }

  private object(object: AnnotationObject): void {
    const parts = toParts(object, this.context.loss);
    if (parts.length === 0) return;
    reportFieldLosses(object, this.context.loss);
    const slide = this.slideUid(object.slide);
    const fromSource = sourceUid(object.sourceIds);
    const z = object.plane?.z ?? 0;
    for (const [n, part] of parts.entries()) {
      const uid = this.tables.addAnnotation(n === 0 ? fromSource : null, [
        slide,
        (n === 0 ? text(ownExtras(object.extras).guid) : null) ??
          nameBasedUuid(`${object.slide}/${object.id}/${n}`),
        object.modified ?? this.tables.writeTime,
        object.flags?.deleted ? 1 : 0,
        part.type,
        object.class ? this.classUid(object.class) : 0,
        object.description ?? null,
        object.flags?.clickable === false ? 0 : 1,
      ]);
      for (const [i, [x, y]] of part.points.entries()) {
        this.tables.addCoordinate(x, y, z, slide, uid, i + 1);
      }
      this.labels(object, uid, n === 0 && fromSource !== null);
    }
    this.context.loss.objectsWritten += 1;
  }

  /** Every label row, duplicates too; label uids are kept only for objects from SlideRunner. */
  private labels(object: AnnotationObject, annoId: number, keepUids: boolean): void {
    for (const label of object.labels ?? []) {
      const uid = keepUids && typeof label.sourceId === 'number' ? label.sourceId : null;
      const cls = label.class === null ? 0 : this.classUid(label.class);
      const person = this.personUid(label.annotator);
      this.tables.addLabel(uid, person, cls, label.exactId ?? null, annoId);
    }
  }
}

function sourceUid(ids: Record<string, string | number> | undefined): number | null {
  const uid = ids?.[FORMAT_ID];
  return typeof uid === 'number' ? uid : null;
}

function ownExtras(extras: Record<string, unknown> | undefined): Extras {
  return (extras?.[FORMAT_ID] as Extras | undefined) ?? {};
}

function text(value: unknown): string | null {
  return value == null ? null : String(value);
}

function placeholderSlide(id: string): Slide {
  return { type: 'slide', id, name: id, frame: { origin: 'unknown', pixelConvention: 'unknown' } };
}

/** SlideRunner spells colours `#rrggbb`; a source that did too keeps its exact spelling. */
function hexColor(cls: AnnotationClass): string | undefined {
  const color = cls.color;
  if (!color) return undefined;
  const value = color.source?.value;
  if (color.source?.form === 'hex' && typeof value === 'string' && /^#[0-9a-f]{6}$/i.test(value)) {
    return value;
  }
  return toHex(color);
}
