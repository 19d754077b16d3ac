/**
 * The dataset descriptor (`dataset.yaml`) as TypeScript types; `schemas/dataset.schema.json`
 * is the authority and carries the must / should / optional level of each field.
 */

export interface Person {
  name: string;
  given_names?: string;
  family_names?: string;
  email?: string;
  orcid?: string;
  affiliation?: string;
  ror?: string;
  url?: string;
}

export type TextList = string | string[];

export interface AnnotationFileEntry {
  path: string;
  format?: string;
  same_objects_as?: string;
}

export interface SubjectInfo {
  patient?: string;
  case?: string;
  block?: string;
  site?: string;
}

export interface LabelClass {
  class: string;
  definition: string;
  role?: 'target' | 'hard-negative' | 'imposter' | 'ambiguous' | 'ignore' | 'region';
  color?: string;
  ontology_code?: string;
}

export interface SiteEntry {
  id: string;
  description?: string;
  slides?: string[];
}

export interface ScannerEntry {
  id: string;
  vendor?: string;
  model?: string;
  software?: string;
  objective_magnification?: number;
  mpp_x?: number;
  mpp_y?: number;
  slides?: string[];
}

export interface SourceEntry {
  name: string;
  license: string;
  part?: 'images' | 'labels' | 'both';
  url?: string;
  attribution?: string;
}

export type SplitUnit = 'patient' | 'animal' | 'case' | 'block' | 'slide';

export interface Descriptor {
  schema: 'slidepack.dataset/1';
  identity?: {
    name?: string;
    version?: string;
    release_date?: string;
    summary?: string;
    description?: string;
    purpose?: string;
    tasks?: string[];
    creators?: Person[];
    curators?: Person[];
    shared_by?: string;
    contact?: Person;
    funding?: string;
    conflicts_of_interest?: string;
    citation?: string;
    related_publications?: string[];
    doi?: string;
    homepage?: string;
    keywords?: string[];
  };
  files?: {
    slides?: string | string[];
    annotations?: (string | AnnotationFileEntry)[];
    /** Slides the annotations refer to that the release does not carry. */
    external_slides?: { slides: string[]; source: string };
  };
  subjects?: Record<string, SubjectInfo>;
  composition?: {
    instance_unit?: string;
    counts?: {
      patients?: number;
      cases?: number;
      blocks?: number;
      slides?: number;
      rois?: number;
      objects?: number;
      classes?: Record<string, number>;
    };
    species?: TextList;
    breed_or_strain?: TextList;
    sex?: string;
    age_group?: string;
    organ_tissue?: TextList;
    diagnosis?: TextList;
    specimen_type?: string;
    label_schema?: LabelClass[];
    annotation_geometry?: string;
    completeness?: string;
    missing_data?: string;
    known_errors_noise?: string;
    sample_vs_population?: string;
  };
  acquisition?: {
    sites_labs?: SiteEntry[];
    stain?: string;
    section_thickness?: string;
    fixation_time?: string;
    scanners?: ScannerEntry[];
    file_format?: string;
    compression?: string;
    focal_planes?: number;
    acquisition_timeframe?: string;
    artefacts?: string;
    preprocessing?: string;
    raw_data_available?: string;
  };
  annotation?: {
    protocol?: string;
    protocol_file?: string;
    software?: string;
    annotators?: {
      id: string;
      role: string;
      kind?: 'person' | 'model';
      experience_years?: number;
      specialty?: string;
      training?: string;
    }[];
    annotations_per_item?: string;
    blinded?: boolean;
    consensus_method?: string;
    agreement_metrics?: string;
    computer_assistance?: string;
    reference_standard_rationale?: string;
    correctness_checks?: string;
    per_rater_labels_released?: boolean;
  };
  splits?: {
    unit?: SplitUnit;
    strategy?: string;
    seed?: number;
    sets?: Record<string, string[]>;
    leakage_checks?: string;
    hidden_test_set?: string;
    benchmark_baselines?: string;
  };
  ethics?: {
    ethics_approval?: string;
    consent?: string;
    deidentification?: string;
    sensitive_attributes?: string;
    biases_limitations?: string;
    social_impact?: string;
    out_of_scope_uses?: string;
    synthetic_data?: boolean;
  };
  distribution?: {
    license?: { images?: string; labels?: string };
    sources?: SourceEntry[];
    access?: 'public' | 'requester-pays' | 'controlled';
    access_instructions?: string;
    terms_of_use?: string;
    distribution_urls?: string[];
    checksums_manifest?: string;
    file_layout?: string;
  };
  maintenance?: {
    maintainer?: string;
    issue_tracker?: string;
    update_policy?: string;
    changelog?: string;
    deprecation_withdrawal?: string;
    contributions?: string;
  };
}

/** The marker `slidepack init` writes where only a person can answer. */
export const HUMAN_TODO = 'TODO(human)';

export function isHumanTodo(value: unknown): boolean {
  return typeof value === 'string' && value.trimStart().startsWith(HUMAN_TODO);
}
