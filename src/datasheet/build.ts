import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataLicense } from '../descriptor/inputs.js';
import { checkLevels } from '../descriptor/levels.js';
import { incompatibility, licenseTerms, spdxLicense } from '../descriptor/license.js';
import { type LoadedDescriptor, placeNear } from '../descriptor/load.js';
import { validateDescriptor } from '../descriptor/validate.js';
import type { Messages } from '../messages.js';
import type { AnnotationSet } from '../model/collect.js';
import type { SlideInfo } from '../slide/info.js';
import { writeThumbnail } from '../slide/thumbnail.js';
import { agreementLines } from './agreement.js';
import type { DatasheetDocument } from './document.js';
import {
  type DatasheetFacts,
  countMismatches,
  gatherFacts,
  slidesMissingAcquisition,
} from './facts.js';
import { buildSections } from './sections.js';

/** Everything a datasheet is made from. */
export interface DatasheetInputs {
  loaded: LoadedDescriptor;
  set: AnnotationSet;
  slides: Map<string, SlideInfo>;
  dataLicenses: DataLicense[];
  messages: Messages;
  /** Most slides to show as thumbnails (default 12). */
  thumbnails?: number;
}

export interface PreparedDatasheet {
  document: DatasheetDocument;
  facts: DatasheetFacts;
  /** Should-level warnings and count mismatches, shown at the top of the datasheet. */
  notices: string[];
}

/**
 * Validate the descriptor against the data and gather the measured facts. Problems are added
 * to `messages`; the caller stops when it has errors (a missing must field, a leak, ...).
 */
export async function prepareDatasheet(inputs: DatasheetInputs): Promise<PreparedDatasheet> {
  const { loaded, set, slides, messages } = inputs;
  validateDescriptor(loaded, messages);
  checkLevels(loaded, messages);
  const facts = gatherFacts(loaded, set, slides, inputs.dataLicenses, messages);
  checkDataLicenses(loaded, inputs.dataLicenses, messages);
  checkAcquisition(loaded, facts, messages);
  checkVocabulary(loaded, facts, messages);
  const thumbnails = await thumbnailUris(slides, inputs.thumbnails ?? 12, messages);
  const notices = [
    ...messages.list.filter((m) => m.ruleId === 'descriptor/missing-should').map((m) => m.message),
    ...countMismatches(loaded, facts),
  ];
  const sections = buildSections(loaded, facts, {
    thumbnails,
    agreement: agreementLines(facts.stats),
    warnings: notices,
  });
  const i = loaded.data.identity ?? {};
  const document: DatasheetDocument = {
    title: i.name ?? 'unnamed dataset',
    subtitle: [i.version && `version ${i.version}`, i.summary].filter(Boolean).join(' — '),
    generated: new Date().toISOString().slice(0, 10),
    sections,
  };
  return { document, facts, notices };
}

/** A license stated inside the data binds the release like a declared source does. */
function checkDataLicenses(
  loaded: LoadedDescriptor,
  found: DataLicense[],
  messages: Messages,
): void {
  const claimed = loaded.data.distribution?.license ?? {};
  for (const license of found) {
    for (const part of ['images', 'labels'] as const) {
      const release = claimed[part];
      if (!release || !spdxLicense(release)) continue;
      const why = incompatibility(license.spdx, release);
      if (!why) continue;
      messages.error(
        'license/incompatible',
        `distribution.license.${part}: ${license.file} states ${license.spdx} (${license.place}); ${why}`,
        {
          file: loaded.path,
          place: placeNear(loaded, ['distribution', 'license', part]),
          expected: licenseTerms(license.spdx).shareAlike
            ? `${license.spdx} itself or a version of it the license allows`
            : `a license at least as restrictive as ${license.spdx}`,
        },
      );
    }
  }
}

/** Scanner and microns per pixel are required per slide: from its header or the descriptor. */
function checkAcquisition(
  loaded: LoadedDescriptor,
  facts: DatasheetFacts,
  messages: Messages,
): void {
  const missing = slidesMissingAcquisition(facts);
  if (missing.length === 0 || !loaded.data.acquisition?.scanners) return;
  const shown = missing.slice(0, 5).join(', ') + (missing.length > 5 ? ', ...' : '');
  messages.error(
    'acquisition/scanner-per-slide',
    `${missing.length} slide(s) have no scanner or µm per pixel in their header nor in acquisition.scanners: ${shown}`,
    {
      file: loaded.path,
      place: 'acquisition.scanners',
      expected: 'a scanners entry with mpp_x/mpp_y whose slides patterns match every slide',
    },
  );
}

/** Classes and annotators the descriptor names should be the ones in the data. */
function checkVocabulary(
  loaded: LoadedDescriptor,
  facts: DatasheetFacts,
  messages: Messages,
): void {
  const classes = new Set(facts.classes.flatMap((c) => [c.id, c.name]));
  for (const [i, entry] of (loaded.data.composition?.label_schema ?? []).entries()) {
    if (!classes.has(entry.class)) {
      messages.warn(
        'descriptor/unknown-class',
        `composition.label_schema[${i}].class: "${entry.class}" is not a class in the annotation files`,
        {
          file: loaded.path,
          place: `composition.label_schema[${i}]`,
          expected: [...classes].join(', '),
        },
      );
    }
  }
  const annotators = new Set(facts.annotators.map((a) => a.id));
  for (const [i, entry] of (loaded.data.annotation?.annotators ?? []).entries()) {
    if (annotators.size && !annotators.has(entry.id)) {
      messages.warn(
        'descriptor/unknown-annotator',
        `annotation.annotators[${i}].id: "${entry.id}" is not an annotator in the annotation files`,
        {
          file: loaded.path,
          place: `annotation.annotators[${i}]`,
          expected: [...annotators].join(', '),
        },
      );
    }
  }
}

/** Thumbnails of the first slides as PNG data URIs, so the page needs no other file. */
async function thumbnailUris(slides: Map<string, SlideInfo>, most: number, messages: Messages) {
  const out: { label: string; dataUri: string }[] = [];
  if (most <= 0 || slides.size === 0) return out;
  const dir = await mkdtemp(join(tmpdir(), 'slidepack-thumbs-'));
  try {
    for (const [id, info] of [...slides].slice(0, most)) {
      const png = join(dir, `${out.length}.png`);
      try {
        const { warnings } = await writeThumbnail(info.path, png, { maxSize: 256 });
        for (const w of warnings) messages.warn('datasheet/thumbnail', w, { file: info.path });
        out.push({
          label: id,
          dataUri: `data:image/png;base64,${(await readFile(png)).toString('base64')}`,
        });
      } catch (error) {
        messages.warn('datasheet/thumbnail', `no thumbnail: ${(error as Error).message}`, {
          file: info.path,
        });
      }
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return out;
}
