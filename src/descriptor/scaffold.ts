import { basename, dirname, relative, resolve } from 'node:path';
import { Document } from 'yaml';
import type { ConvertContext } from '../converter.js';
import { type DatasetFolder, discoverDataset } from '../job/discover.js';
import { silentLogger } from '../log.js';
import { formatMessage, Messages } from '../messages.js';
import type { AnnotationSet } from '../model/collect.js';
import type { SlideInfo } from '../slide/info.js';
import { findLicenses, readSet, readSlides } from './inputs.js';
import { HUMAN_TODO } from './types.js';

const todo = (question: string) => `${HUMAN_TODO}: ${question}`;

/** What `slidepack init` found, for its summary line. */
export interface ScaffoldResult {
  text: string;
  slides: number;
  annotationFiles: number;
  objects: number;
  licenses: string[];
  /** Files that could not be read; left out of the descriptor and its counts. */
  unreadable: string[];
}

interface ReadFile {
  path: string;
  format: string;
  set: AnnotationSet;
}

/**
 * A descriptor for a dataset folder: formats detected, slides read, counts, classes,
 * annotators, scanners and licenses filled in from the data; everything only a person can
 * answer left as a `TODO(human): question` that validation reports until it is answered.
 */
export async function scaffoldDescriptor(
  folder: string,
  target: string,
  messages: Messages,
): Promise<ScaffoldResult> {
  const found = await discoverDataset(folder);
  for (const m of found.messages.list) messages.add(m);
  const unreadable = found.messages.list.filter((m) => m.file).map((m) => m.file!);
  const slideNames = found.slides.map((path) => basename(path));
  const files: ReadFile[] = [];
  for (const { path, converter } of found.annotations) {
    const own = new Messages();
    const context: ConvertContext = { messages: own, logger: silentLogger, options: {} };
    const set = await readSet([{ converter, path }], context, slideNames);
    for (const m of own.list) messages.add(m);
    if (own.hasErrors) unreadable.push(path);
    else files.push({ path, format: converter.format.id, set });
  }
  const { primary, copies } = pairCopies(files);
  const set = primary.length ? await mergedSet(found, primary, slideNames, messages) : undefined;
  const slides = await readSlides(found.slides, messages);
  for (const path of found.slides) if (!slides.has(basename(path))) unreadable.push(path);
  const licenses = [
    ...new Set(files.flatMap((f) => findLicenses(f.set, [f.path]).map((l) => l.spdx))),
  ];
  const base = dirname(target);
  const name = files.map((f) => f.set.dataset?.name).find(Boolean);
  const data = descriptorData({ base, folder, files, copies, set, slides, licenses, name });
  return {
    text: render(
      data,
      licenses,
      files,
      unreadable.map((path) => rel(base, path)),
    ),
    slides: new Set([...(set?.slides.keys() ?? []), ...slides.keys()]).size,
    annotationFiles: files.length,
    objects: set?.objects.length ?? 0,
    licenses,
    unreadable,
  };
}

/**
 * The readable files merged into one set. Each file's own problems were reported when it was
 * read alone, so only what merging adds (a conflict between files) is reported here.
 */
async function mergedSet(
  found: DatasetFolder,
  primary: ReadFile[],
  slideNames: string[],
  messages: Messages,
): Promise<AnnotationSet> {
  const seen = new Set(messages.list.map(formatMessage));
  const own = new Messages();
  const context: ConvertContext = { messages: own, logger: silentLogger, options: {} };
  const inputs = primary.map((f) => ({
    converter: found.annotations.find((a) => a.path === f.path)!.converter,
    path: f.path,
  }));
  const set = await readSet(inputs, context, slideNames);
  for (const m of own.list) if (!seen.has(formatMessage(m))) messages.add(m);
  return set;
}

/** Two files with the same slides and object count hold the same objects in two formats. */
function pairCopies(files: ReadFile[]): { primary: ReadFile[]; copies: Map<string, string> } {
  const copies = new Map<string, string>();
  const signature = (f: ReadFile) =>
    `${f.set.objects.length}:${[...f.set.slides.keys()].sort().join('|')}`;
  // The file with the most annotators is kept as the one to count: it holds per-rater labels.
  const ranked = [...files].sort((a, b) => b.set.annotators.size - a.set.annotators.size);
  const kept = new Map<string, ReadFile>();
  for (const file of ranked) {
    const same = kept.get(signature(file));
    if (same && file.set.objects.length > 0) copies.set(file.path, same.path);
    else kept.set(signature(file), file);
  }
  return { primary: files.filter((f) => !copies.has(f.path)), copies };
}

interface Found {
  base: string;
  folder: string;
  files: ReadFile[];
  copies: Map<string, string>;
  set: AnnotationSet | undefined;
  slides: Map<string, SlideInfo>;
  licenses: string[];
  name: string | undefined;
}

function rel(base: string, path: string): string {
  return relative(base, path).split('\\').join('/') || '.';
}

function descriptorData(f: Found): Record<string, unknown> {
  const set = f.set;
  const classes = [...(set?.classes.values() ?? [])];
  const perClass: Record<string, number> = {};
  for (const o of set?.objects ?? [])
    perClass[o.class ?? '(no class)'] = (perClass[o.class ?? '(no class)'] ?? 0) + 1;
  const license =
    f.licenses.length === 1
      ? f.licenses[0]!
      : todo(
          `SPDX id${f.licenses.length ? ` (the data states ${f.licenses.join(', ')})` : ''}, e.g. CC-BY-4.0`,
        );
  return {
    schema: 'slidepack.dataset/1',
    identity: identity(f.name ?? basename(resolve(f.folder)), set),
    files: {
      ...(f.slides.size
        ? { slides: rel(f.base, commonFolder([...f.slides.values()].map((s) => s.path))) }
        : {}),
      annotations: f.files.map((file) => {
        const copyOf = f.copies.get(file.path);
        const path = rel(f.base, file.path);
        return copyOf
          ? { path, format: file.format, same_objects_as: rel(f.base, copyOf) }
          : { path, format: file.format };
      }),
    },
    composition: {
      instance_unit: todo(
        'slide, ROI/HPF, tile or object; e.g. "object (mitotic figure) on a whole slide"',
      ),
      counts: {
        slides: new Set([...(set?.slides.keys() ?? []), ...f.slides.keys()]).size,
        objects: set?.objects.length ?? 0,
        classes: perClass,
      },
      species: todo('species, e.g. Homo sapiens or Canis lupus familiaris'),
      organ_tissue: todo('organ or tissue, with an ontology code if you have one'),
      diagnosis: todo('tumour type / diagnosis (ICD-O or SNOMED code if you have one)'),
      specimen_type: todo('biopsy / excision / cytology / TMA; FFPE or frozen'),
      label_schema: classes.length
        ? classes.map((c) => ({
            class: c.id,
            definition: todo(`what counts as "${c.name}"`),
            role: 'target',
          }))
        : todo('the classes and their definitions'),
      annotation_geometry: geometryText(set),
      completeness: todo(
        'fully annotated slides, ROIs only, or sparse labels; what an unlabelled area means',
      ),
      missing_data: todo('slides or labels that are absent, and why'),
      known_errors_noise: todo('known label noise or errata'),
      sample_vs_population: todo(
        'how cases were selected (consecutive, convenience, ...) and from what population',
      ),
    },
    acquisition: acquisition(f.slides),
    annotation: annotation(set),
    splits: {
      unit: todo('patient, case or slide; run slidepack split --by <unit> to fill sets'),
      strategy: todo('how the splits were made'),
      sets: todo('run slidepack split, or list the ids of each split'),
      leakage_checks: 'Checked by slidepack: no patient, case or slide SHA-256 in two splits.',
    },
    ethics: {
      ethics_approval: todo('ethics board and approval id, or why none was needed'),
      consent: todo('informed consent, owner consent or waiver; how to withdraw'),
      deidentification: todo(
        'how slides and metadata were de-identified (label/macro images, vendor metadata, file names)',
      ),
      sensitive_attributes: todo('which demographic attributes exist and which were removed'),
      biases_limitations: todo('under-represented groups, scanners or labs; single-centre?'),
      social_impact: todo('expected impact'),
      out_of_scope_uses: todo('e.g. not for diagnosis without validation'),
      synthetic_data: todo('true or false: does the release contain synthetic or augmented data?'),
    },
    distribution: {
      license: { images: license, labels: license },
      access: todo('public, requester-pays or controlled'),
      terms_of_use: todo('attribution text and a no re-identification clause'),
      distribution_urls: todo('where the release is published (s3:// or https:// URLs, DOI)'),
      checksums_manifest: 'manifest.json in each release: SHA-256 of every file (slidepack verify)',
      file_layout: todo('folder structure and naming scheme'),
    },
    maintenance: {
      maintainer: todo('who fixes errors'),
      issue_tracker: todo('where to report label errors'),
      update_policy: todo('what triggers a new version (labels only: minor; new slides: major)'),
      changelog: 'CHANGELOG.md',
      deprecation_withdrawal: todo(
        'how old versions stay available; how withdrawn slides are marked',
      ),
    },
  };
}

function identity(name: string, set: AnnotationSet | undefined): Record<string, unknown> {
  return {
    name,
    version: '0.1.0',
    // Times the data lacks are stamped with this date, so rebuilding gives the same release.
    release_date: new Date().toISOString().slice(0, 10),
    summary: todo('one paragraph: what the dataset is'),
    purpose: todo('why it was made; intended tasks and users'),
    tasks: [
      set?.objects.some((o) => o.geometry?.type === 'polygon' || o.geometry?.type === 'mask')
        ? 'segmentation'
        : 'detection',
    ],
    creators: [{ name: todo('name'), affiliation: todo('affiliation'), orcid: todo('ORCID') }],
    contact: { name: todo('name'), email: todo('email') },
    funding: todo('grants, sponsors, conflicts of interest'),
    citation: todo('how to cite (BibTeX or APA)'),
  };
}

function geometryText(set: AnnotationSet | undefined): string {
  const types = new Set((set?.objects ?? []).map((o) => o.geometry?.type ?? 'none'));
  if (types.size === 0) return todo('point / box / polygon / mask; coordinate space');
  return `${[...types].join(', ')} in level-0 pixel coordinates of each slide`;
}

function acquisition(slides: Map<string, SlideInfo>): Record<string, unknown> {
  const groups = new Map<string, { entry: Record<string, unknown>; slides: string[] }>();
  for (const [id, info] of slides) {
    const key = [info.vendor, info.scanner, info.mpp?.x, info.objectivePower].join('|');
    const group = groups.get(key) ?? {
      entry: {
        id: `scanner-${groups.size + 1}`,
        vendor: info.vendor ?? todo('vendor'),
        model: info.scanner ?? todo('model'),
        ...(info.objectivePower ? { objective_magnification: info.objectivePower } : {}),
        ...(info.mpp ? { mpp_x: info.mpp.x, mpp_y: info.mpp.y } : { mpp_x: todo('µm per pixel') }),
      },
      slides: [],
    };
    group.slides.push(id);
    groups.set(key, group);
  }
  const formats = [...new Set([...slides.values()].map((s) => s.format))];
  const compressions = [...new Set([...slides.values()].map((s) => s.compression))];
  return {
    sites_labs: [
      { id: 'lab-1', description: todo('pseudonymous lab id and which slides it sent') },
    ],
    stain: todo('H&E, IHC (antibody, clone, chromogen) or special stain; protocol or autostainer'),
    scanners: groups.size
      ? [...groups.values()].map((g) => ({ ...g.entry, slides: g.slides }))
      : todo('scanner vendor, model and µm per pixel for each group of slides'),
    ...(formats.length
      ? { file_format: formats.join(', '), compression: compressions.join(', ') }
      : {}),
    acquisition_timeframe: todo('years of sectioning and scanning'),
    artefacts: todo('known blur, folds, pen marks; QC tool and thresholds'),
    preprocessing: todo(
      'crops, ROI extraction, stain normalisation, format conversion (ideally none)',
    ),
    raw_data_available: todo('are the original scans kept, and where'),
  };
}

function annotation(set: AnnotationSet | undefined): Record<string, unknown> {
  const annotators = [...(set?.annotators.values() ?? [])];
  return {
    protocol: todo('the written guideline/SOP: criteria per class, ROI selection rule'),
    software: todo('annotation tool and version, viewing magnification'),
    annotators: annotators.length
      ? annotators.map((a) => ({
          id: a.id,
          role: todo(
            a.kind === 'model'
              ? 'model name and version'
              : 'role (pathologist, resident, ...) and experience',
          ),
          ...(a.kind === 'person' || a.kind === 'model' ? { kind: a.kind } : {}),
        }))
      : [{ id: todo('annotator name or id'), role: todo('role (pathologist, ...), experience') }],
    annotations_per_item: todo('raters per object or slide; blinded or not'),
    consensus_method: todo('majority vote, adjudication, joint review; tie rule'),
    agreement_metrics: todo(
      'inter-/intra-rater agreement measured and how; slidepack adds its own figures',
    ),
    computer_assistance: todo(
      'model-assisted candidate detection or pre-labelling, and how it was reviewed',
    ),
    reference_standard_rationale: todo('why this ground truth (H&E morphology, IHC, molecular)'),
    correctness_checks: todo('second-look review, error-finding passes'),
    per_rater_labels_released: annotators.length > 1,
  };
}

function commonFolder(paths: string[]): string {
  const folders = paths.map((p) => dirname(p));
  return folders.reduce((a, b) => {
    while (!`${b}/`.startsWith(`${a}/`)) a = dirname(a);
    return a;
  });
}

function render(
  data: Record<string, unknown>,
  licenses: string[],
  files: ReadFile[],
  unreadable: string[],
): string {
  const doc = new Document(data, { keepSourceTokens: false });
  doc.commentBefore = [
    ' Dataset descriptor for slidepack (schema: schemas/dataset.schema.json).',
    ' Filled in by slidepack init from the data. Every TODO(human) answer is a question only a',
    ' person can answer; `slidepack datasheet` lists the must fields still open and stops.',
    ...(unreadable.length
      ? [
          ' These files could not be read and are left out of the lists and counts below;',
          ' fix or remove them, then run `slidepack init --force` again:',
          ...unreadable.map((path) => `   ${path}`),
        ]
      : []),
  ].join('\n');
  const dist = doc.getIn(['distribution', 'license'], true) as
    | { commentBefore?: string }
    | undefined;
  if (dist && licenses.length) {
    const from = files
      .filter((f) => findLicenses(f.set, [f.path]).length)
      .map((f) => basename(f.path));
    dist.commentBefore = ` License stated inside the data (${from.join(', ')}): ${licenses.join(', ')}`;
  }
  return doc.toString({ lineWidth: 100 });
}
