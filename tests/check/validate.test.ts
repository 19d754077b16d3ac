import { readdirSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateSet } from '../../src/check/validate.js';
import type { Message } from '../../src/messages.js';
import { emptySet } from '../../src/model/collect.js';
import { local, REAL, real, runCli, SLIDES, tempDir } from '../helpers.js';

interface Report {
  ok: boolean;
  files: { file: string; objects: number; messages: Message[]; repairs: Message[] }[];
}

async function validate(...args: string[]): Promise<{ code: number; report: Report }> {
  const result = await runCli(['validate', '--json', ...args]);
  return { code: result.code, report: JSON.parse(result.stdout) as Report };
}

/** Rule ids of errors and warnings found (notes from readers left out), with their counts. */
function ruleCounts(report: Report): Record<string, number> {
  const counts: Record<string, number> = {};
  const findings = report.files.flatMap((f) => f.messages).filter((m) => m.severity !== 'info');
  for (const m of findings) counts[m.ruleId] = (counts[m.ruleId] ?? 0) + 1;
  return counts;
}

/** Hand-made files: each is clean but for the one defect its name says. */
const SEEDED: [string, string, 'error' | 'warning'][] = [
  ['self-intersection.ndjson', 'geometry/self-intersection', 'warning'],
  ['too-few-points.ndjson', 'geometry/too-few-points', 'error'],
  ['zero-area.ndjson', 'geometry/zero-area', 'error'],
  ['repeated-vertex.ndjson', 'geometry/repeated-vertex', 'warning'],
  ['unclosed-ring.geojson', 'geometry/unclosed-ring', 'warning'],
  ['outside-slide.ndjson', 'bounds/outside-slide', 'error'],
  ['partly-outside-slide.ndjson', 'bounds/partly-outside-slide', 'warning'],
  ['undeclared-slide.ndjson', 'slide/undeclared', 'error'],
  ['unknown-class.ndjson', 'class/unknown', 'error'],
  ['unused-class.ndjson', 'class/unused', 'warning'],
  ['duplicate-id.ndjson', 'id/duplicate', 'error'],
  ['duplicate-object.ndjson', 'object/duplicate', 'warning'],
  ['empty.geojson', 'file/empty', 'error'],
  ['no-objects.ndjson', 'file/no-objects', 'warning'],
];

describe('validate on seeded defects', () => {
  it.each(SEEDED)(
    'should find only the defect seeded in %s (%s)',
    async (file, ruleId, severity) => {
      const { code, report } = await validate(local('check', file));
      expect(ruleCounts(report)).toEqual({ [ruleId]: 1 });
      const [message] = report.files[0]!.messages;
      expect(message).toMatchObject({ ruleId, severity, file: local('check', file) });
      if (!ruleId.startsWith('file/') && ruleId !== 'class/unused')
        expect(message!.place).toMatch(/^object /);
      expect(code).toBe(severity === 'error' ? 1 : 0);
    },
  );

  it('should report nothing on the clean hand-made file', async () => {
    const { code, report } = await validate(local('check', 'clean.ndjson'));
    expect([code, ruleCounts(report)]).toEqual([0, {}]);
  });

  it('should find a slide with no image among --slides, and none for one that has', async () => {
    const missing = await validate(local('check', 'clean.ndjson'), '--slides', SLIDES);
    expect(ruleCounts(missing.report)).toEqual({ 'slide/not-found': 1 });
    expect(missing.code).toBe(1);
    const found = await validate(local('slide', 'cmu-1-small-region.ndjson'), '--slides', SLIDES);
    expect([found.code, ruleCounts(found.report)]).toEqual([0, {}]);
  });

  it('should find non-finite coordinates in a set built through the library', () => {
    const set = emptySet();
    set.slides.set('s', {
      type: 'slide',
      id: 's',
      name: 's',
      frame: { origin: 'unknown', pixelConvention: 'unknown' },
    });
    set.objects.push({
      type: 'object',
      id: 'o',
      slide: 's',
      kind: 'annotation',
      geometry: { type: 'point', coordinates: [Number.NaN, 3] },
    });
    expect(validateSet(set, { file: 'x' }).map((m) => [m.ruleId, m.place])).toEqual([
      ['geometry/non-finite', 'object o, slide s'],
    ]);
  });

  it('should list every rule with --rules', async () => {
    const result = await runCli(['validate', '--rules']);
    for (const [, ruleId] of SEEDED) expect(result.stdout).toContain(ruleId);
    expect(result.stdout).toContain('geometry/non-finite');
  });
});

/** Real files and what validate finds in them: nothing, or a named real finding. */
const REAL_FILES: [string, Record<string, number>, string][] = [
  ...readdirSync(join(REAL, 'qupath-geojson')).map(
    (f) => [`qupath-geojson/${f}`, {}, 'clean'] as [string, Record<string, number>, string],
  ),
  ['sliderunner-sqlite/midog_MIDOG.sqlite', {}, 'clean'],
  ['asap-xml/camelyon17_patient_004_node_4.xml', {}, 'clean'],
  [
    'sliderunner-sqlite/sliderunner_MITOS2012.sqlite',
    { 'class/unused': 1 },
    'class "Nonmitosis" is never used',
  ],
  [
    'sliderunner-sqlite/sliderunner_Slides_empty.sqlite',
    { 'file/no-objects': 1 },
    'no annotations at all',
  ],
  [
    'sliderunner-sqlite/ccmct_HighMCAreas.sqlite',
    { 'geometry/zero-area': 1 },
    'annotation 2 is a 7 × 0 px rectangle',
  ],
  [
    'coco/midog_MIDOG.json',
    { 'bounds/partly-outside-slide': 48 },
    '48 boxes of 50 px around mitoses near the image edge cross it',
  ],
];

describe('validate on real files', () => {
  it.each(REAL_FILES)('should report on %s exactly %j (%s)', async (file, expected) => {
    const { report } = await validate(real(file));
    expect(ruleCounts(report)).toEqual(expected);
  });
});

describe('validate --fix', () => {
  it('should drop repeated vertices, report each repair and keep the input', async () => {
    const input = local('check', 'repeated-vertex.ndjson');
    const before = await readFile(input, 'utf8');
    const out = join(await tempDir(), 'fixed.ndjson');
    const { report } = await validate(input, '--fix', '-o', out);
    expect(report.files[0]!.repairs.map((r) => [r.ruleId, r.place, r.message])).toEqual([
      ['fix/repeated-vertex', 'object stutter, slide s1.svs', 'dropped 1 repeated vertex/vertices'],
    ]);
    expect(await readFile(input, 'utf8')).toBe(before);
    const again = await validate(out);
    expect([again.code, ruleCounts(again.report)]).toEqual([0, {}]);
  });

  it('should close an unclosed GeoJSON ring in a copy written as GeoJSON', async () => {
    const out = join(await tempDir(), 'fixed.geojson');
    const { report } = await validate(local('check', 'unclosed-ring.geojson'), '--fix', '-o', out);
    expect(report.files[0]!.repairs.map((r) => r.ruleId)).toEqual(['fix/unclosed-ring']);
    const json = JSON.parse(await readFile(out, 'utf8'));
    const ring = json.features[0].geometry.coordinates[0];
    expect(ring[0]).toEqual(ring[ring.length - 1]);
    const again = await validate(out);
    expect(ruleCounts(again.report)).toEqual({});
  });

  it('should refuse --fix without -o as a usage error', async () => {
    const result = await runCli(['validate', local('check', 'clean.ndjson'), '--fix']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('give -o');
  });
});

describe('validate: one problem, one message', () => {
  const clean = local('slide', 'cmu-1-small-region.ndjson');

  it('should report a slide record that fails the schema once, in words, not each object on it', async () => {
    const text = await readFile(clean, 'utf8');
    const file = join(await tempDir(), 'no-frame.ndjson');
    await writeFile(file, text.replace(/,"frame":\{[^}]*\}/, ''));
    const result = await runCli(['validate', file]);
    expect(result.code).toBe(1);
    expect(result.stdout.trim().split('\n')).toEqual([
      `${file} (line 2): error slide record "CMU-1-Small-Region.svs": missing required member "frame" [canonical/schema]`,
    ]);
  });

  it('should name a wrong or misspelt member of an object record in words', async () => {
    const text = await readFile(clean, 'utf8');
    const file = join(await tempDir(), 'typo.ndjson');
    await writeFile(
      file,
      text.replace('"class":"Tumor"', '"clas":"Tumor"').replace('"width":1400', '"width":"1400"'),
    );
    const { code, report } = await validate(file);
    expect(code).toBe(1);
    const messages = report.files[0]!.messages.filter((m) => m.severity !== 'info');
    expect(messages.map((m) => [m.place, m.message, m.expected])).toEqual([
      ['line 6', 'object record "tumor-1": unknown member "clas"', '"class"'],
      ['line 7', 'object record "stroma-1": member "geometry.width" must be a number', undefined],
    ]);
  });

  it('should stop with one error when the --slides folder does not exist', async () => {
    const missing = join(await tempDir(), 'nonexist');
    const result = await runCli(['validate', clean, '--slides', missing]);
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(`error: ${missing}: --slides: no such file or folder`);
    expect(result.stdout).not.toMatch(/slide\/not-found/);
  });
});
