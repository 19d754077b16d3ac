import type { ConvertContext } from '../../src/converter.js';
import { parseHexColor } from '../../src/model/color.js';
import type { CanonicalRecord, Group } from '../../src/model/types.js';
import type { AsapOptions } from './options.js';
import { type RawAnnotation, type RawGroup, locateGroups, streamAsap } from './parse.js';

/** The groups of an ASAP file by name, and the exclusion-group annotations found on the way. */
export interface GroupIndex {
  byName: Map<string, RawGroup>;
  exclusions: RawAnnotation[];
}

/** Names that CAMELYON-style files use for exclusion groups; only used for a hint. */
const EXCLUSION_LIKE = /^(_2|negative|exclusions?|exclude|holes?)$/i;

/**
 * First pass: read every group (they come after the annotations in ASAP's own files) and the
 * coordinates of annotations in exclusion groups. Group problems are reported here.
 */
export async function indexGroups(
  file: string,
  options: AsapOptions,
  context: ConvertContext,
): Promise<GroupIndex> {
  const index: GroupIndex = { byName: new Map(), exclusions: [] };
  const isExclusion = (a: Record<string, string>) =>
    a.PartOfGroup !== undefined && options.exclusionGroups.has(a.PartOfGroup);
  // Without exclusion groups only the groups are needed, and ASAP writes them last.
  const part = options.exclusionGroups.size === 0 ? await locateGroups(file) : undefined;
  for await (const item of streamAsap(file, isExclusion, part)) {
    if (item.kind === 'annotation' && isExclusion(item.value.attributes)) {
      index.exclusions.push(item.value);
    } else if (item.kind === 'group') {
      addGroup(index, item.value, file, context);
    }
  }
  checkParents(index, file, context);
  checkExclusionNames(index, file, options, context);
  return index;
}

function addGroup(index: GroupIndex, group: RawGroup, file: string, context: ConvertContext) {
  const name = group.attributes.Name ?? '';
  if (index.byName.has(name)) {
    context.messages.warn(
      'asap/duplicate-group',
      `group "${name}" is defined twice; ASAP keys groups by name. The first one is kept`,
      { file, place: `line ${group.line}`, expected: 'unique group names' },
    );
    return;
  }
  index.byName.set(name, group);
}

/** A parent that is not defined, or a loop of parents, is dropped as ASAP would. */
function checkParents(index: GroupIndex, file: string, context: ConvertContext): void {
  for (const [name, group] of index.byName) {
    const parent = parentOf(group);
    if (parent === undefined) continue;
    let problem: string | undefined;
    if (!index.byName.has(parent)) problem = `its parent group "${parent}" is not defined`;
    else if (loops(index, name)) problem = `its parent groups form a loop through "${parent}"`;
    if (!problem) continue;
    context.messages.warn('asap/group-parent', `group "${name}": ${problem}; read without parent`, {
      file,
      place: `line ${group.line}`,
    });
    group.attributes = { ...group.attributes, PartOfGroup: 'None' };
  }
}

export function parentOf(group: RawGroup): string | undefined {
  const parent = group.attributes.PartOfGroup;
  return parent === undefined || parent === 'None' ? undefined : parent;
}

function loops(index: GroupIndex, start: string): boolean {
  let name: string | undefined = start;
  for (let steps = 0; name !== undefined && steps <= index.byName.size; steps++) {
    const group = index.byName.get(name);
    name = group ? parentOf(group) : undefined;
    if (name === start) return true;
  }
  return false;
}

function checkExclusionNames(
  index: GroupIndex,
  file: string,
  options: AsapOptions,
  context: ConvertContext,
): void {
  for (const name of options.exclusionGroups) {
    if (!index.byName.has(name)) {
      context.messages.warn('asap/exclusion-group', `--exclusion-group "${name}" is not a group`, {
        file,
        expected: [...index.byName.keys()].map((n) => `"${n}"`).join(', ') || 'no groups',
      });
    }
  }
  if (options.exclusionGroups.size > 0) return;
  for (const name of index.byName.keys()) {
    if (!EXCLUSION_LIKE.test(name)) continue;
    context.messages.info(
      'asap/exclusion-hint',
      `group "${name}" looks like an exclusion group; pass --exclusion-group ${name} to read ` +
        'its regions as holes of the regions that contain them',
      { file },
    );
  }
}

/** The dataset header, slide, group and (by default) class records, in that order. */
export function* dictionaryRecords(
  file: string,
  slide: string,
  index: GroupIndex,
  options: AsapOptions,
): Generator<CanonicalRecord> {
  yield {
    type: 'dataset',
    schema: 'slidepack.canonical/1',
    sources: [{ format: 'asap-xml', file }],
  };
  yield {
    type: 'slide',
    id: slide,
    name: slide,
    frame: { origin: 'full-frame', pixelConvention: 'center' },
  };
  for (const group of index.byName.values()) yield groupRecord(group);
  if (options.classFrom !== 'group') return;
  for (const group of index.byName.values()) {
    const name = group.attributes.Name ?? '';
    const color = parseHexColor(group.attributes.Color ?? '');
    yield { type: 'class', id: name, name, path: [name], ...(color ? { color } : {}) };
  }
}

const GROUP_ATTRIBUTES = new Set(['Name', 'PartOfGroup', 'Color']);

function groupRecord(raw: RawGroup): Group {
  const a = raw.attributes;
  const group: Group = { type: 'group', id: a.Name ?? '', name: a.Name ?? '' };
  const parent = parentOf(raw);
  if (parent !== undefined) group.parent = parent;
  const color = parseHexColor(a.Color ?? '');
  if (color) group.color = color;
  if (Object.keys(raw.properties).length > 0) group.attributes = { ...raw.properties };
  const extras: Record<string, unknown> = {};
  const unknown = Object.entries(a).filter(([k]) => !GROUP_ATTRIBUTES.has(k));
  if (unknown.length > 0) extras.attributes = Object.fromEntries(unknown);
  if (!color && a.Color !== undefined) extras.color = a.Color;
  if (raw.tag !== 'Group') extras.tag = raw.tag;
  if (Object.keys(extras).length > 0) group.extras = { 'asap-xml': extras };
  return group;
}
