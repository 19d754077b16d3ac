import { createRequire } from 'node:module';
import type { Messages } from '../messages.js';
import { closest } from './suggest.js';

/**
 * SPDX license ids, what each one restricts, whether a release may carry a reused source
 * under its claimed license, and the LICENSE file built from the SPDX texts that the
 * `spdx-license-list` package maintains (no license text lives in this repository).
 */

const require = createRequire(import.meta.url);

interface SpdxEntry {
  name: string;
  url: string;
  osiApproved: boolean;
  licenseText?: string;
}

let list: Readonly<Record<string, SpdxEntry>> | undefined;

function spdxList(): Readonly<Record<string, SpdxEntry>> {
  list ??= require('spdx-license-list') as Record<string, SpdxEntry>;
  return list;
}

/** The SPDX entry for an id (exact case), or undefined. */
export function spdxLicense(id: string): SpdxEntry | undefined {
  return Object.hasOwn(spdxList(), id) ? spdxList()[id] : undefined;
}

/** An error message for an id not on the SPDX list, with the nearest id when one is close. */
export function unknownSpdxMessage(id: string): string {
  const ids = Object.keys(spdxList());
  const sameCase = ids.find((k) => k.toLowerCase() === id.toLowerCase());
  const hint = sameCase ?? closest(id, ids);
  return `"${id}" is not an SPDX license id${hint ? `; did you mean "${hint}"?` : ''}`;
}

/** What a license asks of whoever redistributes the data. */
export interface LicenseTerms {
  attribution: boolean;
  nonCommercial: boolean;
  noDerivatives: boolean;
  shareAlike: boolean;
}

const PUBLIC_DOMAIN = new Set(['CC0-1.0', 'PDDL-1.0', 'Unlicense', '0BSD', 'CC-PDDC']);
const COPYLEFT = /^(A?GPL|LGPL|MPL|EUPL|ODbL|OSL|CDDL|EPL|CECILL(?!-B|-C))/;

/** The restrictions of an SPDX id: Creative Commons elements, copyleft, or attribution only. */
export function licenseTerms(id: string): LicenseTerms {
  if (PUBLIC_DOMAIN.has(id)) {
    return { attribution: false, nonCommercial: false, noDerivatives: false, shareAlike: false };
  }
  const cc = /^CC-(BY(?:-[A-Z]{2})*)-\d/.exec(id);
  const parts = new Set(cc?.[1]?.split('-') ?? []);
  return {
    attribution: true,
    nonCommercial: parts.has('NC'),
    noDerivatives: parts.has('ND'),
    shareAlike: parts.has('SA') || COPYLEFT.test(id),
  };
}

const TERM_WORDS: [keyof LicenseTerms, string, string][] = [
  ['nonCommercial', 'non-commercial', 'allows commercial use'],
  ['noDerivatives', 'no-derivatives', 'allows derivatives'],
  ['shareAlike', 'share-alike', 'does not require share-alike'],
  ['attribution', 'attribution-required', 'does not require attribution'],
];

/**
 * Why a release claiming `claimed` cannot include a source under `source`, or undefined when
 * it can: every restriction of the source must survive in the release's license.
 */
export function incompatibility(source: string, claimed: string): string | undefined {
  const s = licenseTerms(source);
  const c = licenseTerms(claimed);
  const lost = TERM_WORDS.filter(([key]) => s[key] && !c[key]);
  if (lost.length === 0) return s.shareAlike ? shareAlikeProblem(source, claimed) : undefined;
  const is = lost.map(([, word]) => word).join(' and ');
  const allows = lost.map(([, , words]) => words).join(' and ');
  return `${source} is ${is}, but the release claims ${claimed}, which ${allows}`;
}

/**
 * Share-alike material may be passed on only under its own license: the same id, a later
 * version with the same elements where the license says so (CC 2.0 and later, GPL "or later",
 * ODbL), or a license the steward declared compatible. Adding a restriction (NC to BY-SA) is
 * a different license, so it is refused too.
 */
function shareAlikeProblem(source: string, claimed: string): string | undefined {
  if (source === claimed) return undefined;
  const s = licenseFamily(source);
  const c = licenseFamily(claimed);
  if (s.laterVersions && c.family === s.family && c.version >= s.version) return undefined;
  const compatible = ONE_WAY_COMPATIBLE[source] ?? [];
  if (compatible.includes(claimed)) return undefined;
  const own = s.laterVersions ? `${source} or a later version of ${s.family}` : source;
  const allowed = compatible.length ? `${own} (or ${compatible.join(' / ')})` : own;
  return (
    `${source} is share-alike: material under it may be released only under ${allowed}, ` +
    `but the release claims ${claimed}`
  );
}

/** Creative Commons' list of licenses BY-SA 4.0 material may be adapted into (one way). */
const ONE_WAY_COMPATIBLE: Record<string, string[]> = {
  'CC-BY-SA-4.0': ['GPL-3.0-only', 'GPL-3.0-or-later'],
};

/** A license's family and version, and whether it lets adaptations use later versions. */
function licenseFamily(id: string): { family: string; version: number; laterVersions: boolean } {
  const cc = /^CC-(BY(?:-[A-Z]{2})*)-(\d\.\d)/.exec(id);
  if (cc) {
    // CC 1.0 share-alike allows "only the terms of this License"; 2.0 added later versions.
    const version = Number(cc[2]);
    return { family: `CC ${cc[1]!}`, version, laterVersions: version >= 2 };
  }
  const gnu = /^(A?GPL|LGPL)-(\d\.\d)(-only|-or-later|\+)?$/.exec(id);
  if (gnu) {
    const later = gnu[3] === '-or-later' || gnu[3] === '+';
    return { family: gnu[1]!, version: Number(gnu[2]), laterVersions: later };
  }
  const odbl = /^ODbL-(\d\.\d)$/.exec(id);
  if (odbl) return { family: 'ODbL', version: Number(odbl[1]), laterVersions: true };
  return { family: id, version: 0, laterVersions: false };
}

/** A Creative Commons or other license URL, or a license name, as an SPDX id. */
export function spdxFromText(text: string): string | undefined {
  const cc = /creativecommons\.org\/licenses\/([a-z-]+)\/(\d\.\d)(?:\/([a-z]{2}))?/i.exec(text);
  if (cc) {
    const id = `CC-${cc[1]!.toUpperCase()}-${cc[2]}${cc[3] ? `-${cc[3].toUpperCase()}` : ''}`;
    if (spdxLicense(id)) return id;
    const base = `CC-${cc[1]!.toUpperCase()}-${cc[2]}`;
    if (spdxLicense(base)) return base;
  }
  if (/creativecommons\.org\/publicdomain\/zero\/1\.0/i.test(text)) return 'CC0-1.0';
  const trimmed = text.trim();
  if (spdxLicense(trimmed)) return trimmed;
  const byName = Object.entries(spdxList()).find(
    ([, e]) => e.name.toLowerCase() === trimmed.toLowerCase(),
  );
  return byName?.[0];
}

/** Check one id at a descriptor path; unknown ids are errors with a suggestion. */
export function checkSpdx(
  id: string,
  path: string,
  file: string,
  messages: Messages,
  place = path,
): boolean {
  if (spdxLicense(id)) return true;
  messages.error('descriptor/spdx', `${path}: ${unknownSpdxMessage(id)}`, {
    file,
    place,
    expected: 'an id from https://spdx.org/licenses/ such as CC-BY-4.0',
    actual: id,
  });
  return false;
}

/** The full text of an SPDX license from the package's data; throws for unknown ids. */
export function licenseText(id: string): { name: string; url: string; text: string } {
  const full = require('spdx-license-list/full') as Record<string, SpdxEntry>;
  const entry = Object.hasOwn(full, id) ? full[id] : undefined;
  if (!entry?.licenseText) throw new Error(`no license text for ${id}`);
  return { name: entry.name, url: entry.url, text: entry.licenseText };
}
