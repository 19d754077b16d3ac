import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { local, tempDir } from '../helpers.js';
import { convertFile } from '../xml/helpers.js';

const CLOSED = local('imagescope', 'closed-with-hole.xml');

interface RegionSummary {
  attributes: Record<string, string>;
  vertices: number;
}

/** Every region of a file as Python's xml.etree sees it: attributes and vertex count. */
function pythonRegions(path: string): RegionSummary[] {
  const script =
    'import sys, json, xml.etree.ElementTree as ET\n' +
    'root = ET.parse(sys.argv[1]).getroot()\n' +
    'print(json.dumps([{"attributes": r.attrib, "vertices": len(r.findall("./Vertices/Vertex"))}' +
    ' for r in root.iter("Region")]))';
  return JSON.parse(execFileSync('python3', ['-c', script, path], { encoding: 'utf8' }));
}

async function writeBack(input: string): Promise<string> {
  const out = join(await tempDir(), 'out.xml');
  await convertFile(input, 'imagescope-xml', out);
  return out;
}

describe('ImageScope write-back', () => {
  it('should keep the closing vertex of a region that received NegativeROA holes', async () => {
    const out = await writeBack(CLOSED);
    const counts = pythonRegions(out).map((r) => r.vertices);
    expect(counts).toEqual(pythonRegions(CLOSED).map((r) => r.vertices));
    expect(counts).toEqual([5, 3, 5]);
  });

  it('should write back only the attributes each region had in the source', async () => {
    const out = await writeBack(CLOSED);
    const attributes = pythonRegions(out).map((r) => r.attributes);
    expect(attributes).toEqual(pythonRegions(CLOSED).map((r) => r.attributes));
    expect(attributes[1]).toEqual({ Id: '2', Type: '0', NegativeROA: '1' });
  });

  it('should write a root without attributes as <Annotations> with no trailing space', async () => {
    const input = join(await tempDir(), 'bare.xml');
    const text = readFileSync(CLOSED, 'utf8').replace(' MicronsPerPixel="0.250000"', '');
    await writeFile(input, text);
    const written = readFileSync(await writeBack(input), 'utf8');
    expect(written.split('\n')[0]).toBe('<Annotations>');
    expect(written).not.toMatch(/<\w+ >/);
  });
});
