import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { real, tempDir } from '../helpers.js';
import { convertFile } from '../xml/helpers.js';

const TUMOR_036 = real('asap-xml', 'pathml_camelyon16_tumor_036_metastasis_negative.xml');
const NEGATIVE = { 'exclusion-group': 'negative' };

interface Element {
  tag: string;
  attributes: Record<string, string>;
}

/** The annotations and groups of an ASAP file as Python's xml.etree reads them. */
function pythonElements(path: string): Element[] {
  const script =
    'import sys, json, xml.etree.ElementTree as ET\n' +
    'root = ET.parse(sys.argv[1]).getroot()\n' +
    'out = [{"tag": "Annotation", "attributes": a.attrib} for a in root.find("Annotations")]\n' +
    'out += [{"tag": "Group", "attributes": g.attrib} for g in root.find("AnnotationGroups")]\n' +
    'print(json.dumps(out))';
  return JSON.parse(execFileSync('python3', ['-c', script, path], { encoding: 'utf8' }));
}

describe('ASAP Color attributes', () => {
  it('should write Color on holes and the exclusion group, as the source had them', async () => {
    const dir = await tempDir();
    const canonical = join(dir, 't.ndjson');
    await convertFile(TUMOR_036, 'canonical', canonical, NEGATIVE);
    const out = join(dir, 'out.xml');
    await convertFile(canonical, 'asap-xml', out, NEGATIVE);

    const source = pythonElements(TUMOR_036);
    const written = pythonElements(out);
    expect(written.filter((e) => e.attributes.Color === undefined)).toEqual([]);
    const negatives = (list: Element[]) =>
      list.filter((e) => e.attributes.PartOfGroup === 'negative').map((e) => e.attributes);
    expect(negatives(written)).toEqual(negatives(source));
    const group = (list: Element[]) => list.find((e) => e.attributes.Name === 'negative');
    expect(group(written)).toEqual(group(source));
  });

  it("should give a new exclusion group and its holes ASAP's default colour", async () => {
    const dir = await tempDir();
    const input = join(dir, 'holes.ndjson');
    const ring = (a: number, b: number) => [
      [a, a],
      [b, a],
      [b, b],
      [a, b],
    ];
    const records = [
      { type: 'dataset', schema: 'slidepack.canonical/1', sources: [] },
      {
        type: 'slide',
        id: 's',
        name: 's',
        frame: { origin: 'full-frame', pixelConvention: 'center' },
      },
      {
        type: 'object',
        id: 'a0',
        slide: 's',
        kind: 'annotation',
        geometry: { type: 'polygon', rings: [ring(0, 100), ring(10, 20)] },
      },
    ];
    await writeFile(input, records.map((r) => JSON.stringify(r)).join('\n'));
    const out = join(dir, 'out.xml');
    await convertFile(input, 'asap-xml', out);
    expect(pythonElements(out)).toEqual([
      {
        tag: 'Annotation',
        attributes: { Name: '', Type: 'Polygon', PartOfGroup: 'None', Color: '#F4FA58' },
      },
      {
        tag: 'Annotation',
        attributes: {
          Name: 'a0 hole 1',
          Type: 'Polygon',
          PartOfGroup: 'exclusion',
          Color: '#F4FA58',
        },
      },
      { tag: 'Group', attributes: { Name: 'exclusion', PartOfGroup: 'None', Color: '#F4FA58' } },
    ]);
  });
});
