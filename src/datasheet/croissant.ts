import type { Descriptor, Person } from '../descriptor/types.js';
import { spdxLicense } from '../descriptor/license.js';
import type { DatasheetFacts } from './facts.js';

/** One file of the release as the Croissant `distribution` lists it. */
export interface ReleaseFile {
  path: string;
  size: number;
  sha256: string;
  mediaType: string;
}

/** The Croissant 1.0 JSON-LD context as the specification publishes it, plus the RAI prefix. */
export const CROISSANT_CONTEXT = {
  '@language': 'en',
  '@vocab': 'https://schema.org/',
  sc: 'https://schema.org/',
  cr: 'http://mlcommons.org/croissant/',
  rai: 'http://mlcommons.org/croissant/RAI/',
  dct: 'http://purl.org/dc/terms/',
  citeAs: 'cr:citeAs',
  column: 'cr:column',
  conformsTo: 'dct:conformsTo',
  data: { '@id': 'cr:data', '@type': '@json' },
  dataType: { '@id': 'cr:dataType', '@type': '@vocab' },
  examples: { '@id': 'cr:examples', '@type': '@json' },
  extract: 'cr:extract',
  field: 'cr:field',
  fileProperty: 'cr:fileProperty',
  fileObject: 'cr:fileObject',
  fileSet: 'cr:fileSet',
  format: 'cr:format',
  includes: 'cr:includes',
  isLiveDataset: 'cr:isLiveDataset',
  jsonPath: 'cr:jsonPath',
  key: 'cr:key',
  md5: 'cr:md5',
  parentField: 'cr:parentField',
  path: 'cr:path',
  recordSet: 'cr:recordSet',
  references: 'cr:references',
  regex: 'cr:regex',
  repeated: 'cr:repeated',
  replace: 'cr:replace',
  separator: 'cr:separator',
  source: 'cr:source',
  subField: 'cr:subField',
  transform: 'cr:transform',
} as const;

function creator(p: Person): Record<string, unknown> {
  return {
    '@type': 'sc:Person',
    name: p.name,
    ...(p.email ? { email: p.email } : {}),
    ...(p.orcid
      ? { sameAs: p.orcid.startsWith('https://') ? p.orcid : `https://orcid.org/${p.orcid}` }
      : {}),
    ...(p.affiliation ? { affiliation: { '@type': 'sc:Organization', name: p.affiliation } } : {}),
  };
}

function licenseUrls(d: Descriptor): string[] {
  const ids = [
    ...new Set([d.distribution?.license?.images, d.distribution?.license?.labels].filter(Boolean)),
  ] as string[];
  return ids
    .map((id) => `https://spdx.org/licenses/${id}.html`)
    .filter((_, i) => spdxLicense(ids[i]!));
}

/** The responsible-AI (`rai:`) properties the descriptor answers, each only when answered. */
export function raiFields(d: Descriptor, facts: DatasheetFacts): Record<string, unknown> {
  const a = d.annotation ?? {};
  const e = d.ethics ?? {};
  const annotators = (a.annotators ?? []).map(
    (x) =>
      `${x.id}: ${x.role}${x.experience_years !== undefined ? `, ${x.experience_years} years` : ''}`,
  );
  const entries: [string, unknown][] = [
    ['rai:dataCollection', d.composition?.sample_vs_population],
    ['rai:dataCollectionMissingData', d.composition?.missing_data],
    ['rai:dataCollectionRawData', d.acquisition?.raw_data_available],
    ['rai:dataCollectionTimeframe', d.acquisition?.acquisition_timeframe],
    ['rai:dataPreprocessingProtocol', d.acquisition?.preprocessing],
    ['rai:dataAnnotationProtocol', a.protocol],
    ['rai:dataAnnotationPlatform', a.software],
    ['rai:dataAnnotationAnalysis', a.agreement_metrics],
    ['rai:annotationsPerItem', a.annotations_per_item],
    ['rai:annotatorDemographics', annotators.length ? annotators : undefined],
    ['rai:machineAnnotationTools', a.computer_assistance],
    ['rai:dataBiases', e.biases_limitations],
    [
      'rai:dataLimitations',
      [d.composition?.known_errors_noise, e.biases_limitations].filter(Boolean).join(' ') ||
        undefined,
    ],
    [
      'rai:dataUseCases',
      [d.identity?.purpose, e.out_of_scope_uses && `Out of scope: ${e.out_of_scope_uses}`]
        .filter(Boolean)
        .join(' ') || undefined,
    ],
    ['rai:dataSocialImpact', e.social_impact],
    [
      'rai:personalSensitiveInformation',
      [e.deidentification, e.sensitive_attributes].filter(Boolean).join(' ') || undefined,
    ],
    ['rai:dataReleaseMaintenancePlan', d.maintenance?.update_policy],
    ['rai:hasSyntheticData', e.synthetic_data],
  ];
  const out: Record<string, unknown> = {};
  for (const [key, value] of entries) if (value !== undefined && value !== '') out[key] = value;
  if (facts.objects) out['rai:dataCollectionType'] = 'Manual Human Curator';
  return out;
}

// LIMITATION: no cr:RecordSet is written, so loaders see the files but not the label fields.

/** The Croissant 1.0 document: dataset metadata, RAI fields and one FileObject per file. */
export function croissant(
  d: Descriptor,
  facts: DatasheetFacts,
  files: ReleaseFile[],
  version: string,
): Record<string, unknown> {
  const i = d.identity ?? {};
  const url = d.distribution?.distribution_urls?.[0] ?? i.homepage;
  return {
    '@context': CROISSANT_CONTEXT,
    '@type': 'sc:Dataset',
    conformsTo: ['http://mlcommons.org/croissant/1.0', 'http://mlcommons.org/croissant/RAI/1.0'],
    name: i.name,
    description: i.description ?? i.summary,
    version,
    ...(i.release_date ? { datePublished: i.release_date } : {}),
    license: licenseUrls(d),
    ...(url ? { url } : {}),
    creator: (i.creators ?? []).map(creator),
    ...(i.citation ? { citeAs: i.citation } : {}),
    ...(i.doi ? { identifier: `https://doi.org/${i.doi}` } : {}),
    keywords: [...(i.keywords ?? []), 'computational pathology', 'whole-slide images'],
    isLiveDataset: false,
    ...raiFields(d, facts),
    distribution: files.map((f) => ({
      '@type': 'cr:FileObject',
      '@id': f.path,
      name: f.path,
      contentUrl: f.path,
      contentSize: `${f.size} B`,
      encodingFormat: f.mediaType,
      sha256: f.sha256,
    })),
  };
}
