import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import jsonld from 'jsonld';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { agreementLines } from '../../src/datasheet/agreement.js';
import { licenseText } from '../../src/descriptor/license.js';
import { emptySet } from '../../src/model/collect.js';
import { computeStats } from '../../src/stats/index.js';
import { runCli } from '../helpers.js';
import { midogFolder, threeSlidesFolder } from '../descriptor/folders.js';

async function midogDatasheet() {
  const folder = await midogFolder();
  const out = join(folder.dir, 'out');
  const result = await runCli(['datasheet', folder.descriptor, '-o', out]);
  expect(result.code, result.stderr).toBe(0);
  return { ...folder, out };
}

/** The rows of a Markdown table that follows a bold caption. */
function table(md: string, caption: string): string[][] {
  const start = md.indexOf(`**${caption}**`);
  expect(start, caption).toBeGreaterThanOrEqual(0);
  const lines = md.slice(start).split('\n').slice(2);
  const rows: string[][] = [];
  for (const line of lines) {
    if (!line.startsWith('|')) break;
    rows.push(
      line
        .slice(1, -1)
        .split(' | ')
        .map((c) => c.trim()),
    );
  }
  return rows.slice(2);
}

describe('datasheet for the real MIDOG data', () => {
  it('should count 200 slides, 4435 objects, 2 classes and the labels of each annotator', async () => {
    const { out } = await midogDatasheet();
    const md = await readFile(join(out, 'DATASHEET.md'), 'utf8');
    expect(md).toMatch(/\*\*Slides\*\* \*\(measured\)\*: 200\n/);
    expect(md).toMatch(/\*\*Objects\*\* \*\(measured\)\*: 4435\n/);
    expect(md).toMatch(/\*\*Classes\*\* \*\(measured\)\*: 2\n/);
    const classes = table(md, 'Label schema and measured objects per class');
    expect(classes.map((r) => [r[0], r[3]])).toEqual([
      ['mitotic figure', '1721'],
      ['not mitotic figure', '2714'],
    ]);
    // Label rows per person, then distinct objects per person and class, in the SQLite
    // Annotations_label table (expert 2 voted twice on a few objects).
    const annotators = table(md, 'Annotators: declared role, measured label counts');
    const labels = Object.fromEntries(annotators.map((r) => [r[0], [r[4], r[6], r[7]]]));
    expect(labels).toEqual({
      'expert 1': ['4435', '1764', '2671'],
      'expert 2': ['4439', '1551', '2884'],
      'expert 3': ['925', '526', '399'],
      RetinaNet: ['1295', '0', '838'],
    });
    expect(md).toMatch(/Fleiss' κ 0\.\d+ over 4435 objects with 2–3 raters each/);
    expect(md).toMatch(/Model annotators left out of the agreement figures: RetinaNet/);
    const splits = table(md, 'Objects per class and split');
    const total = splits.reduce((n, r) => n + Number(r.at(-1)), 0);
    expect(total).toBe(4435);
    expect(splits.reduce((n, r) => n + Number(r[1]), 0)).toBe(200);
  });

  it('should carry the CC BY-NC-ND license stated in the COCO licenses block', async () => {
    const { out } = await midogDatasheet();
    const md = await readFile(join(out, 'DATASHEET.md'), 'utf8');
    expect(md).toMatch(
      /\| midog_MIDOG\.json \| CC-BY-NC-ND-2\.0 .*\| coco\.licenses\[0\]\.url: http:\/\/creativecommons\.org\/licenses\/by-nc-nd\/2\.0\/ \|/,
    );
    expect(md).toMatch(
      /\*\*Labels license\*\*: CC-BY-NC-ND-2\.0 \(Creative Commons Attribution Non Commercial No Derivatives 2\.0 Generic\)/,
    );
    const license = await readFile(join(out, 'LICENSE'), 'utf8');
    expect(license).toContain(licenseText('CC-BY-NC-ND-2.0').text.trim());
    expect(license).toMatch(/midog_MIDOG\.json: CC-BY-NC-ND-2\.0/);
  });

  it('should show the scanner and microns-per-pixel table and objects per split and domain', async () => {
    const { out } = await midogDatasheet();
    const md = await readFile(join(out, 'DATASHEET.md'), 'utf8');
    const scanners = table(
      md,
      'Scanners and microns per pixel (from slide headers where present, else the descriptor)',
    );
    expect(scanners.map((r) => [r[0], r[2], r[3]])).toEqual([
      ['hamamatsu-xr', '50', '0.2300 × 0.2300'],
      ['hamamatsu-s360', '50', '0.2300 × 0.2300'],
      ['aperio-cs2', '50', '0.2500 × 0.2500'],
      ['leica-gt450', '50', '0.2600 × 0.2600'],
    ]);
    const cross = table(md, 'Objects per class, split and domain');
    expect(cross.reduce((n, r) => n + Number(r[2]) + Number(r[3]), 0)).toBe(4435);
    expect(cross.find((r) => r[0] === 'test' && r[1] === 'hamamatsu-xr')).toBeDefined();
  });

  it('should write croissant.json that expands as JSON-LD and lists every file with its SHA-256', async () => {
    const { dir, out } = await midogDatasheet();
    const doc = JSON.parse(await readFile(join(out, 'croissant.json'), 'utf8'));
    expect(doc['@context'].cr).toBe('http://mlcommons.org/croissant/');
    expect(doc['@context'].rai).toBe('http://mlcommons.org/croissant/RAI/');
    expect(doc.conformsTo).toContain('http://mlcommons.org/croissant/1.0');
    const expanded = await jsonld.expand(doc);
    const dataset = expanded[0] as Record<string, unknown>;
    expect(dataset['@type']).toEqual(['https://schema.org/Dataset']);
    const files = dataset['https://schema.org/distribution'] as Record<string, unknown>[];
    expect(
      files.every(
        (f) => (f['@type'] as string[])[0] === 'http://mlcommons.org/croissant/FileObject',
      ),
    ).toBe(true);
    const listed = new Map(
      doc.distribution.map((f: { contentUrl: string; sha256: string }) => [f.contentUrl, f.sha256]),
    );
    for (const name of ['dataset.yaml', 'midog_MIDOG.sqlite', 'midog_MIDOG.json']) {
      const path = resolve(out, `../${name}`);
      const sha = createHash('sha256')
        .update(await readFile(path))
        .digest('hex');
      expect(listed.get(name), name).toBe(sha);
    }
    expect(doc.distribution).toHaveLength(3);
    // Written to out/, the paths are still the data set's own, never climbing out of it.
    for (const file of doc.distribution) {
      expect([file['@id'], file.name]).toEqual([file.contentUrl, file.contentUrl]);
      expect(file.contentUrl).not.toMatch(/^\.\.\/|^\//);
    }
    const rai = 'http://mlcommons.org/croissant/RAI/';
    expect(dataset[`${rai}dataAnnotationProtocol`]).toBeDefined();
    expect(doc['rai:dataAnnotationPlatform']).toBe('SlideRunner 1.31');
    expect(doc['rai:dataBiases']).toBe('Single centre; human breast cancer only; four scanners.');
    expect(doc['rai:personalSensitiveInformation']).toMatch(/file names replaced by numbers/);
    expect(doc['rai:hasSyntheticData']).toBe(false);
    expect(doc['rai:annotatorDemographics']).toContain(
      'expert 1: board-certified pathologist, 10 years',
    );
    expect(dir).toBeTruthy();
  });

  it('should write a CITATION.cff with the keys CFF 1.2.0 requires, readable by python3 yaml', async () => {
    const { out } = await midogDatasheet();
    const text = await readFile(join(out, 'CITATION.cff'), 'utf8');
    const cff = parse(text);
    expect(cff['cff-version']).toBe('1.2.0');
    expect(typeof cff.message).toBe('string');
    expect(cff.title).toBe('MIDOG 2021 training set');
    expect(cff.type).toBe('dataset');
    expect(cff.authors[0]).toEqual({
      'given-names': 'Marc',
      'family-names': 'Aubreville',
      affiliation: 'Technische Hochschule Ingolstadt',
    });
    expect(cff.license).toBe('CC-BY-NC-ND-2.0');
    expect(cff['date-released']).toBe('2021-04-01');
    const py = spawnSync(
      'python3',
      [
        '-c',
        'import sys,yaml; d=yaml.safe_load(open(sys.argv[1])); print(d["cff-version"], len(d["authors"]))',
        join(out, 'CITATION.cff'),
      ],
      { encoding: 'utf8' },
    );
    expect(py.stdout.trim()).toBe('1.2.0 2');
  });

  it('should write nothing when a must field is missing', async () => {
    const folder = await midogFolder((doc) => doc.deleteIn(['identity', 'summary']));
    const out = join(folder.dir, 'out');
    const result = await runCli(['datasheet', folder.descriptor, '-o', out]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/identity\.summary: missing \(must field\)/);
    const listing = spawnSync('ls', ['-A', folder.dir], { encoding: 'utf8' }).stdout;
    expect(listing).not.toMatch(/out/);
  });
});

describe('datasheet wording', () => {
  it("should add a (no class) column so each annotator's class columns add up", async () => {
    const { out } = await midogDatasheet();
    const md = await readFile(join(out, 'DATASHEET.md'), 'utf8');
    const caption = 'Annotators: declared role, measured label counts';
    const header = md.split('\n')[md.split('\n').findIndex((l) => l.includes(caption)) + 2]!;
    expect(header).toMatch(/\| \(no class\) \|$/);
    for (const row of table(md, caption)) {
      const classes = row.slice(6).reduce((n, v) => n + Number(v), 0);
      expect(classes, row[0]).toBe(Number(row[5]));
    }
    const retinaNet = table(md, caption).find((r) => r[0] === 'RetinaNet')!;
    expect(retinaNet.slice(5)).toEqual(['957', '0', '838', '119']);
  });

  it('should not mark patients and cases measured when no subject records them', async () => {
    const { out } = await midogDatasheet();
    const md = await readFile(join(out, 'DATASHEET.md'), 'utf8');
    expect(md).not.toMatch(/\*\*(Patients|Cases)\*\* \*\(measured\)\*/);
    expect(md).toMatch(/\*\*Patients\*\*: not recorded \(the descriptor lists no subjects/);
  });

  it('should say the leakage check could not compare what it did not have', async () => {
    const { out } = await midogDatasheet();
    const md = await readFile(join(out, 'DATASHEET.md'), 'utf8');
    expect(md).not.toMatch(/no [^.]*SHA-256[^.]* appears in more than one split/);
    expect(md).toMatch(
      /Leakage check: could not be checked for the 200 slides in splits: .*slide SHA-256 \(no slide file was read\)/,
    );
  });

  it('should report the leakage check as measured when patients and slide hashes are known', async () => {
    const folder = await threeSlidesFolder();
    const out = join(folder.dir, 'out');
    const result = await runCli(['datasheet', folder.descriptor, '-o', out]);
    expect(result.code, result.stderr).toBe(0);
    const md = await readFile(join(out, 'DATASHEET.md'), 'utf8');
    expect(md).toMatch(
      /> Leakage check \(measured\): no patient, case or slide SHA-256 appears in more than one split\.\n/,
    );
    expect(md).toMatch(/\*\*Patients\*\* \*\(measured\)\*: 3\n/);
  });

  it('should say "2 raters" when every object has the same number of raters', () => {
    const set = emptySet();
    set.slides.set('s', {
      type: 'slide',
      id: 's',
      name: 's',
      frame: { origin: 'full-frame', pixelConvention: 'corner' },
    });
    for (const [i, [a, b]] of [
      ['x', 'x'],
      ['x', 'y'],
      ['y', 'y'],
    ].entries()) {
      set.objects.push({
        type: 'object',
        id: `o${i}`,
        slide: 's',
        kind: 'annotation',
        geometry: { type: 'point', coordinates: [i, 0] },
        labels: [
          { annotator: 'r1', class: a! },
          { annotator: 'r2', class: b! },
        ],
      });
    }
    const [fleiss] = agreementLines(computeStats(set));
    expect(fleiss).toMatch(/over 3 objects with 2 raters each/);
  });
});
