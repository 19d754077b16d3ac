import { stringify } from 'yaml';
import type { Descriptor, Person } from '../descriptor/types.js';

/** CFF wants given and family names apart; split a plain name at its last space. */
function author(p: Person): Record<string, string> {
  const names = /^(.*\S)\s+(\S+)$/.exec(p.name.trim());
  const given = p.given_names ?? names?.[1];
  const family = p.family_names ?? names?.[2];
  const out: Record<string, string> =
    given && family ? { 'given-names': given, 'family-names': family } : { name: p.name };
  if (p.email) out.email = p.email;
  if (p.affiliation) out.affiliation = p.affiliation;
  if (p.orcid)
    out.orcid = p.orcid.startsWith('https://') ? p.orcid : `https://orcid.org/${p.orcid}`;
  return out;
}

/** CITATION.cff (Citation File Format 1.2.0) for the dataset release. */
export function citationCff(d: Descriptor, version: string, date: string): string {
  const i = d.identity ?? {};
  const licenses = [
    ...new Set([d.distribution?.license?.images, d.distribution?.license?.labels].filter(Boolean)),
  ];
  const cff: Record<string, unknown> = {
    'cff-version': '1.2.0',
    message: 'If you use this dataset, please cite it using the metadata from this file.',
    type: 'dataset',
    title: i.name,
    version,
    'date-released': date,
    authors: (i.creators ?? []).map(author),
  };
  if (i.summary) cff.abstract = i.summary;
  if (licenses.length === 1) cff.license = licenses[0];
  else if (licenses.length > 1) cff.license = licenses;
  if (i.doi) cff.doi = i.doi;
  const url = d.distribution?.distribution_urls?.find((u) => /^https?:/.test(u)) ?? i.homepage;
  if (url) cff.url = url;
  if (i.keywords?.length) cff.keywords = i.keywords;
  return stringify(cff, { lineWidth: 0 });
}
