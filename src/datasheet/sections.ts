import type { LoadedDescriptor } from '../descriptor/load.js';
import { licenseTerms, spdxLicense } from '../descriptor/license.js';
import type { Descriptor, Person } from '../descriptor/types.js';
import type { Block, FieldRow, Section } from './document.js';
import { type DatasheetFacts, countMismatches } from './facts.js';
import { leakageComplete, leakageNote } from './leakage-note.js';
import { stackedBars } from './svg.js';

/** Extra inputs for the sections: thumbnails and agreement lines from the statistics. */
export interface SectionExtras {
  thumbnails: { label: string; dataUri: string }[];
  agreement: string[];
  warnings: string[];
}

const UNANSWERED = 'not stated';

function text(value: unknown): string {
  if (value === undefined || value === null || value === '') return UNANSWERED;
  if (Array.isArray(value)) return value.length ? value.map(text).join('; ') : UNANSWERED;
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'object') return person(value as Person);
  return String(value);
}

function person(p: Person): string {
  const extra = [p.affiliation, p.orcid && `ORCID ${p.orcid}`, p.email].filter(Boolean).join(', ');
  return extra ? `${p.name} (${extra})` : p.name;
}

function fields(rows: [string, unknown][]): Block {
  return { kind: 'fields', rows: rows.map(([label, value]) => ({ label, value: text(value) })) };
}

function measured(rows: [string, string | number][]): Block {
  return {
    kind: 'fields',
    rows: rows.map(([label, value]): FieldRow => ({ label, value: String(value), measured: true })),
  };
}

/** The eight sections of the datasheet, in the order of the datasheet field list. */
export function buildSections(
  loaded: LoadedDescriptor,
  facts: DatasheetFacts,
  extras: SectionExtras,
): Section[] {
  const d = loaded.data;
  return [
    identity(d),
    composition(loaded, facts),
    acquisition(d, facts, extras),
    annotation(d, facts, extras),
    splits(d, facts),
    ethics(d),
    distribution(d, facts),
    maintenance(d),
  ];
}

function identity(d: Descriptor): Section {
  const i = d.identity ?? {};
  return {
    id: 'identity',
    title: '1. Identity and motivation',
    blocks: [
      fields([
        ['Name', i.name],
        ['Version', i.version],
        ['Release date', i.release_date],
        ['Summary', i.summary],
        ['Description', i.description],
        ['Purpose', i.purpose],
        ['Tasks', i.tasks],
        ['Creators', i.creators],
        ['Curators', i.curators],
        ['Contact', i.contact],
        ['Funding', i.funding],
        ['Citation', i.citation],
        ['DOI', i.doi],
        ['Related publications', i.related_publications],
      ]),
    ],
  };
}

/** Patients and cases counted from the descriptor's subjects, when it lists any. */
function subjectCounts(facts: DatasheetFacts): [string, number][] {
  const rows: [string, number][] = [];
  if (facts.patients) rows.push(['Patients', facts.patients]);
  if (facts.cases) rows.push(['Cases', facts.cases]);
  return rows;
}

/** Patients or cases that cannot be counted: said so, and not marked measured. */
function unrecordedSubjects(facts: DatasheetFacts): Block[] {
  const rows: [string, string][] = [];
  const why = 'not recorded (the descriptor lists no subjects with one)';
  if (!facts.patients) rows.push(['Patients', why]);
  if (!facts.cases) rows.push(['Cases', why]);
  return rows.length ? [fields(rows)] : [];
}

function composition(loaded: LoadedDescriptor, facts: DatasheetFacts): Section {
  const c = loaded.data.composition ?? {};
  const roles = new Map((c.label_schema ?? []).map((l) => [l.class, l]));
  const mismatches = countMismatches(loaded, facts);
  const blocks: Block[] = [
    measured([
      ['Slides', facts.slides],
      ['Slides with objects', facts.slidesWithObjects],
      ['Objects', facts.objects],
      ['Classes', facts.classes.length],
      ['Annotators', facts.annotators.length],
      ...subjectCounts(facts),
      [
        'Geometry',
        Object.entries(facts.geometryTypes)
          .map(([t, n]) => `${t} ${n}`)
          .join(', ') || 'none',
      ],
    ]),
    ...unrecordedSubjects(facts),
    {
      kind: 'table',
      caption: 'Label schema and measured objects per class',
      header: ['class', 'definition', 'role', 'objects'],
      rows: facts.classes.map((k) => [
        k.id,
        roles.get(k.id)?.definition ?? roles.get(k.name)?.definition ?? UNANSWERED,
        roles.get(k.id)?.role ?? '',
        k.objects,
      ]),
    },
    fields([
      ['Instance unit', c.instance_unit],
      ['Species', c.species],
      ['Breed or strain', c.breed_or_strain],
      ['Sex', c.sex],
      ['Age group', c.age_group],
      ['Organ / tissue', c.organ_tissue],
      ['Diagnosis', c.diagnosis],
      ['Specimen type', c.specimen_type],
      ['Annotation geometry', c.annotation_geometry],
      ['Completeness', c.completeness],
      ['Missing data', c.missing_data],
      ['Known errors and noise', c.known_errors_noise],
      ['Sample vs population', c.sample_vs_population],
    ]),
  ];
  if (mismatches.length) blocks.push({ kind: 'notes', tone: 'warn', items: mismatches });
  return { id: 'composition', title: '2. Composition', blocks };
}

function acquisition(d: Descriptor, facts: DatasheetFacts, extras: SectionExtras): Section {
  const a = d.acquisition ?? {};
  const groups = new Map<
    string,
    {
      slides: number;
      mpp: Set<string>;
      objective: Set<string>;
      source: Set<string>;
      formats: Set<string>;
    }
  >();
  for (const s of facts.acquisition) {
    const key = `${s.domain}\u0000${s.scanner}`;
    const g = groups.get(key) ?? {
      slides: 0,
      mpp: new Set(),
      objective: new Set(),
      source: new Set(),
      formats: new Set(),
    };
    g.slides++;
    g.mpp.add(
      s.mppX === undefined ? 'unknown' : `${s.mppX.toFixed(4)} × ${(s.mppY ?? s.mppX).toFixed(4)}`,
    );
    g.objective.add(s.objective === undefined ? 'unknown' : `${s.objective}×`);
    g.source.add(s.source);
    if (s.format) g.formats.add(`${s.format}, ${s.compression}, ${s.levels} levels`);
    groups.set(key, g);
  }
  const blocks: Block[] = [
    {
      kind: 'table',
      caption:
        'Scanners and microns per pixel (from slide headers where present, else the descriptor)',
      header: [
        'domain',
        'scanner',
        'slides',
        'µm per pixel (x × y)',
        'objective',
        'file format',
        'source',
      ],
      rows: [...groups].map(([key, g]) => [
        key.split('\u0000')[0]!,
        key.split('\u0000')[1]!,
        g.slides,
        [...g.mpp].join('; '),
        [...g.objective].join('; '),
        [...g.formats].join('; ') || 'no slide file read',
        [...g.source].join(', '),
      ]),
    },
    fields([
      [
        'Sites / labs',
        (a.sites_labs ?? []).map((s) => `${s.id}${s.description ? `: ${s.description}` : ''}`),
      ],
      ['Stain', a.stain],
      ['Section thickness', a.section_thickness],
      ['Fixation time', a.fixation_time],
      ['File format', a.file_format],
      ['Compression', a.compression],
      ['Acquisition timeframe', a.acquisition_timeframe],
      ['Artefacts', a.artefacts],
      ['Preprocessing', a.preprocessing],
      ['Raw data available', a.raw_data_available],
    ]),
  ];
  if (extras.thumbnails.length)
    blocks.push({ kind: 'images', caption: 'Slide thumbnails', items: extras.thumbnails });
  return { id: 'acquisition', title: '3. Acquisition and domain variability', blocks };
}

function annotation(d: Descriptor, facts: DatasheetFacts, extras: SectionExtras): Section {
  const a = d.annotation ?? {};
  const declared = new Map((a.annotators ?? []).map((x) => [x.id, x]));
  // Votes without a class (stats call them "(none)") or for an undeclared class get columns
  // too, so each row's class columns add up to its objects labelled.
  const declaredClasses = facts.classes.map((c) => c.id);
  const voted = facts.annotators.flatMap((x) => Object.keys(x.byClass));
  const classes = [...new Set([...declaredClasses, ...voted])];
  const heading = (c: string) => (c === '(none)' ? '(no class)' : `${c} (objects)`);
  return {
    id: 'annotation',
    title: '4. Annotation process and quality',
    blocks: [
      {
        kind: 'table',
        caption: 'Annotators: declared role, measured label counts',
        header: [
          'annotator',
          'kind',
          'role',
          'experience (years)',
          'labels',
          'objects labelled',
          ...classes.map(heading),
        ],
        rows: facts.annotators.map((x) => [
          x.id,
          declared.get(x.id)?.kind ?? x.kind,
          declared.get(x.id)?.role ?? UNANSWERED,
          declared.get(x.id)?.experience_years ?? '',
          x.labels,
          x.objects,
          ...classes.map((c) => x.byClass[c] ?? 0),
        ]),
      },
      fields([
        ['Protocol', a.protocol],
        ['Protocol file', a.protocol_file],
        ['Software', a.software],
        ['Annotations per item', a.annotations_per_item],
        ['Blinded', a.blinded],
        ['Consensus method', a.consensus_method],
        ['Agreement (declared)', a.agreement_metrics],
        ['Computer assistance', a.computer_assistance],
        ['Reference standard rationale', a.reference_standard_rationale],
        ['Correctness checks', a.correctness_checks],
        ['Per-rater labels released', a.per_rater_labels_released],
      ]),
      extras.agreement.length
        ? { kind: 'notes', tone: 'ok', items: extras.agreement }
        : {
            kind: 'notes',
            tone: 'warn',
            items: [
              'No agreement figures could be measured (fewer than two annotators labelled the same objects).',
            ],
          },
    ],
  };
}

function splits(d: Descriptor, facts: DatasheetFacts): Section {
  const s = d.splits ?? {};
  const names = facts.splitNames.length ? facts.splitNames : ['(none)'];
  const classes = facts.classes.map((c) => c.id);
  const count = (split: string, cls: string) =>
    facts.cross
      .filter((r) => r.split === split && r.class === cls)
      .reduce((n, r) => n + r.objects, 0);
  const domains = [...new Set(facts.cross.map((r) => r.domain))].sort();
  const blocks: Block[] = [
    fields([
      ['Split unit', s.unit],
      ['Strategy', s.strategy],
      ['Seed', s.seed],
      ['Leakage checks (declared)', s.leakage_checks],
      ['Hidden test set', s.hidden_test_set],
      ['Benchmark baselines', s.benchmark_baselines],
    ]),
    {
      kind: 'table',
      caption: 'Objects per class and split',
      header: ['split', 'slides', ...classes, 'total'],
      rows: names.map((n) => [
        n,
        facts.slidesPerSplit[n] ?? 0,
        ...classes.map((c) => count(n, c)),
        classes.reduce((t, c) => t + count(n, c), 0),
      ]),
    },
    {
      kind: 'chart',
      caption: 'Class distribution per split (share of objects)',
      svg: stackedBars(names, classes, count),
    },
    {
      kind: 'table',
      caption: 'Objects per class, split and domain',
      header: ['split', 'domain', ...classes],
      rows: names
        .flatMap((n) =>
          domains.map((dom) => [
            n,
            dom,
            ...classes.map((c) =>
              facts.cross
                .filter((r) => r.split === n && r.domain === dom && r.class === c)
                .reduce((t, r) => t + r.objects, 0),
            ),
          ]),
        )
        .filter((row) => row.slice(2).some((v) => v !== 0)),
    },
    {
      kind: 'notes',
      tone: facts.leaks ? 'error' : leakageComplete(facts) ? 'ok' : 'warn',
      items: [leakageNote(facts)],
    },
  ];
  return { id: 'splits', title: '5. Splits and leakage', blocks };
}

function ethics(d: Descriptor): Section {
  const e = d.ethics ?? {};
  return {
    id: 'ethics',
    title: '6. Ethics, consent and privacy',
    blocks: [
      fields([
        ['Ethics approval', e.ethics_approval],
        ['Consent', e.consent],
        ['De-identification', e.deidentification],
        ['Sensitive attributes', e.sensitive_attributes],
        ['Biases and limitations', e.biases_limitations],
        ['Social impact', e.social_impact],
        ['Out-of-scope uses', e.out_of_scope_uses],
        ['Synthetic data', e.synthetic_data],
      ]),
    ],
  };
}

function licenseLine(id: string | undefined): string {
  if (!id) return UNANSWERED;
  const entry = spdxLicense(id);
  const t = licenseTerms(id);
  const terms = [
    t.attribution && 'attribution',
    t.nonCommercial && 'non-commercial',
    t.noDerivatives && 'no derivatives',
    t.shareAlike && 'share-alike',
  ]
    .filter(Boolean)
    .join(', ');
  return `${id}${entry ? ` (${entry.name})` : ''}${terms ? `: ${terms}` : ''}`;
}

/** Slides the labels refer to but the release does not carry, and where to get them. */
function externalSlides(d: Descriptor): string | undefined {
  const external = d.files?.external_slides;
  return external && `${external.slides.join(', ')}, from ${external.source}`;
}

function distribution(d: Descriptor, facts: DatasheetFacts): Section {
  const x = d.distribution ?? {};
  const blocks: Block[] = [
    fields([
      ['Images license', licenseLine(x.license?.images)],
      ['Labels license', licenseLine(x.license?.labels)],
    ]),
    {
      kind: 'table',
      caption: 'Licenses of reused sources and licenses stated inside the data files',
      header: ['source', 'license', 'applies to', 'stated in'],
      rows: [
        ...(x.sources ?? []).map((s) => [
          s.name,
          licenseLine(s.license),
          s.part ?? 'both',
          'descriptor',
        ]),
        ...facts.dataLicenses.map((l) => [
          l.file.split('/').pop() ?? l.file,
          licenseLine(l.spdx),
          'both',
          `${l.place}: ${l.text}`,
        ]),
      ],
    },
    fields([
      ['Access', x.access],
      ['Access instructions', x.access_instructions],
      ['Terms of use', x.terms_of_use],
      ['Distribution URLs', x.distribution_urls],
      ['Slides not in this release', externalSlides(d)],
      ['Checksums manifest', x.checksums_manifest],
      ['File layout', x.file_layout],
    ]),
  ];
  return { id: 'distribution', title: '7. Distribution and license', blocks };
}

function maintenance(d: Descriptor): Section {
  const m = d.maintenance ?? {};
  return {
    id: 'maintenance',
    title: '8. Maintenance',
    blocks: [
      fields([
        ['Maintainer', m.maintainer],
        ['Issue tracker', m.issue_tracker],
        ['Update policy', m.update_policy],
        ['Changelog', m.changelog],
        ['Deprecation and withdrawal', m.deprecation_withdrawal],
        ['Contributions', m.contributions],
      ]),
    ],
  };
}
