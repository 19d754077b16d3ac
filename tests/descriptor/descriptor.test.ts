import { existsSync } from 'node:fs';
import { copyFile, open, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { incompatibility } from '../../src/descriptor/license.js';
import { real, runCli, SLIDES, tempDir } from '../helpers.js';
import { midogDataOnly, midogFolder, threeSlidesFolder } from './folders.js';

describe('dataset descriptor validation', () => {
  it('should fail with exit 1 naming a missing must field', async () => {
    const { descriptor } = await midogFolder((doc) => doc.deleteIn(['ethics', 'consent']));
    const result = await runCli(['datasheet', descriptor]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/ethics\.consent: missing \(must field\)/);
    expect(result.stderr).not.toMatch(/at .*\.js:\d+/);
  });

  it('should report a must field still marked TODO(human) as missing', async () => {
    const { descriptor } = await midogFolder((doc) =>
      doc.setIn(['composition', 'species'], 'TODO(human): species'),
    );
    const result = await runCli(['datasheet', descriptor]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/composition\.species: still TODO\(human\) \(must field\)/);
  });

  it('should name the leaking patient and both splits', async () => {
    const { descriptor } = await midogFolder((doc) => {
      doc.setIn(['subjects', '001.tiff'], { patient: 'patient-17' });
      doc.setIn(['subjects', '041.tiff'], { patient: 'patient-17' });
    });
    const result = await runCli(['datasheet', descriptor]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /patient "patient-17" is in 2 splits: train \(slide 001\.tiff\) and test \(slide 041\.tiff\)/,
    );
  });

  it('should suggest the nearest key for a misspelt key', async () => {
    const { descriptor } = await midogFolder((doc) => {
      doc.setIn(['distribution', 'licence'], doc.getIn(['distribution', 'license']));
      doc.deleteIn(['distribution', 'license']);
    });
    const result = await runCli(['datasheet', descriptor]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /distribution\.licence: unknown key "licence"; did you mean "license"\?/,
    );
  });

  it('should reject an unknown SPDX id and suggest the real one', async () => {
    const { descriptor } = await midogFolder((doc) =>
      doc.setIn(['distribution', 'license', 'labels'], 'CC-BY-NC-ND-2'),
    );
    const result = await runCli(['datasheet', descriptor]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /distribution\.license\.labels: "CC-BY-NC-ND-2" is not an SPDX license id; did you mean "CC-BY-NC-ND-2\.0"\?/,
    );
  });

  it('should reject a split that lists a slide the data does not have', async () => {
    const { descriptor } = await midogFolder((doc) =>
      doc.setIn(['splits', 'sets', 'test'], ['0[49]?.tiff', '1[49]?.tiff', '200.tiff', '999.tiff']),
    );
    const result = await runCli(['datasheet', descriptor]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /splits\.sets\.test\[3\]: slide "999\.tiff" does not exist in the data/,
    );
  });

  it('should reject a wrong type with the field path and the expected type', async () => {
    const { descriptor } = await midogFolder((doc) =>
      doc.setIn(['ethics', 'synthetic_data'], 'no'),
    );
    const result = await runCli(['datasheet', descriptor]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/ethics\.synthetic_data: expected boolean/);
  });
});

/** The 1-based line of the first line of a file that matches, as an editor shows it. */
async function lineMatching(file: string, pattern: RegExp): Promise<number> {
  const index = (await readFile(file, 'utf8')).split('\n').findIndex((l) => pattern.test(l));
  expect(index, String(pattern)).toBeGreaterThanOrEqual(0);
  return index + 1;
}

describe('descriptor error places', () => {
  it('should give the line of the section a missing must field belongs in', async () => {
    const { descriptor } = await midogFolder((doc) => doc.deleteIn(['ethics', 'consent']));
    const result = await runCli(['datasheet', descriptor, '--check']);
    expect(result.code).toBe(1);
    const line = await lineMatching(descriptor, /^ethics:/);
    expect(result.stderr).toContain(
      `${descriptor} (line ${line}): error ethics.consent: missing (must field)`,
    );
  });

  it('should give the line of an unknown SPDX id', async () => {
    const { descriptor } = await midogFolder((doc) =>
      doc.setIn(['distribution', 'license', 'labels'], 'CC-BY-NC-ND-2'),
    );
    const result = await runCli(['datasheet', descriptor, '--check']);
    expect(result.code).toBe(1);
    const line = await lineMatching(descriptor, /^\s+labels: CC-BY-NC-ND-2$/);
    expect(result.stderr).toContain(
      `${descriptor} (line ${line}): error distribution.license.labels: "CC-BY-NC-ND-2" is not`,
    );
  });

  it('should give the line of the split a leaking patient appears in a second time', async () => {
    const { descriptor } = await midogFolder((doc) => {
      doc.setIn(['subjects', '001.tiff'], { patient: 'patient-17' });
      doc.setIn(['subjects', '041.tiff'], { patient: 'patient-17' });
    });
    const result = await runCli(['datasheet', descriptor, '--check']);
    expect(result.code).toBe(1);
    const line = await lineMatching(descriptor, /^\s+test:/);
    expect(result.stderr).toContain(
      `${descriptor} (line ${line}): error patient "patient-17" is in 2 splits`,
    );
  });
});

describe('licenses', () => {
  it('should refuse a release license less restrictive than the license inside the data', async () => {
    const { descriptor } = await midogFolder((doc) =>
      doc.setIn(['distribution', 'license', 'labels'], 'CC-BY-4.0'),
    );
    const result = await runCli(['datasheet', descriptor]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /distribution\.license\.labels: .*midog_MIDOG\.json states CC-BY-NC-ND-2\.0.*non-commercial and no-derivatives, but the release claims CC-BY-4\.0/,
    );
  });

  it('should refuse a declared no-derivatives source inside a more permissive release', async () => {
    const { descriptor } = await threeSlidesFolder((doc) =>
      doc.setIn(
        ['distribution', 'sources'],
        [{ name: 'Atlas X', license: 'CC-BY-ND-4.0', part: 'images' }],
      ),
    );
    const result = await runCli(['datasheet', descriptor]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /source "Atlas X" cannot be released under the images license: CC-BY-ND-4\.0 is no-derivatives and attribution-required, but the release claims CC0-1\.0, which allows derivatives/,
    );
  });
});

describe('share-alike sources', () => {
  it('should refuse BY-SA material in a release that adds NC, naming what it may carry', async () => {
    const { descriptor } = await threeSlidesFolder((doc) => {
      doc.setIn(['distribution', 'license', 'images'], 'CC-BY-NC-SA-4.0');
      doc.setIn(
        ['distribution', 'sources'],
        [{ name: 'Atlas Y', license: 'CC-BY-SA-4.0', part: 'images' }],
      );
    });
    const result = await runCli(['datasheet', descriptor, '--check']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /source "Atlas Y" cannot be released under the images license: CC-BY-SA-4\.0 is share-alike: material under it may be released only under CC-BY-SA-4\.0 or a later version of CC BY-SA .*but the release claims CC-BY-NC-SA-4\.0/,
    );
  });

  it('should accept share-alike material under the same license or a later version of it', async () => {
    const { descriptor } = await threeSlidesFolder((doc) => {
      doc.setIn(['distribution', 'license', 'images'], 'CC-BY-SA-4.0');
      doc.setIn(
        ['distribution', 'sources'],
        [
          { name: 'Atlas 3', license: 'CC-BY-SA-3.0', part: 'images' },
          { name: 'Atlas 4', license: 'CC-BY-SA-4.0', part: 'images' },
        ],
      );
    });
    const result = await runCli(['datasheet', descriptor, '--check']);
    expect(result.stderr).not.toMatch(/license\/incompatible/);
    expect(result.code, result.stderr).toBe(0);
  });

  it('should apply the share-alike rule version by version and family by family', () => {
    const allowed: [string, string][] = [
      ['CC-BY-NC-SA-2.0', 'CC-BY-NC-SA-4.0'],
      ['CC-BY-SA-2.0-UK', 'CC-BY-SA-4.0'],
      ['CC-BY-SA-4.0', 'GPL-3.0-only'],
      ['GPL-2.0-or-later', 'GPL-3.0-only'],
      ['ODbL-1.0', 'ODbL-1.0'],
    ];
    for (const [source, release] of allowed) {
      expect(incompatibility(source, release), `${source} in ${release}`).toBeUndefined();
    }
    const refused: [string, string][] = [
      ['CC-BY-SA-4.0', 'CC-BY-NC-SA-4.0'],
      ['CC-BY-SA-4.0', 'CC-BY-SA-3.0'],
      ['CC-BY-SA-1.0', 'CC-BY-SA-4.0'],
      ['CC-BY-NC-SA-4.0', 'CC-BY-NC-ND-4.0'],
      ['GPL-2.0-only', 'GPL-3.0-only'],
      ['CC-BY-SA-4.0', 'CC-BY-4.0'],
    ];
    for (const [source, release] of refused) {
      expect(incompatibility(source, release), `${source} in ${release}`).toMatch(/share-alike/);
    }
  });
});

describe('slidepack init', () => {
  it('should scaffold a descriptor with formats, counts and the license found in the data', async () => {
    const dir = await midogDataOnly();
    const target = join(dir, 'dataset.yaml');
    const result = await runCli(['init', dir]);
    expect(result.code, result.stderr).toBe(0);
    const text = await readFile(target, 'utf8');
    expect(text).toMatch(/format: sliderunner-sqlite/);
    expect(text).toMatch(/same_objects_as: midog_MIDOG\.sqlite/);
    expect(text).toMatch(/slides: 200\n\s+objects: 4435/);
    expect(text).toMatch(/images: CC-BY-NC-ND-2\.0\n\s+labels: CC-BY-NC-ND-2\.0/);
    expect(text).toMatch(/- id: RetinaNet\n\s+role: "TODO\(human\)[^"]*"\n\s+kind: model/);
    const check = await runCli(['datasheet', target, '--check']);
    expect(check.code).toBe(1);
    expect(check.stderr).toMatch(/ethics\.consent: still TODO\(human\) \(must field\)/);
  });

  it('should not overwrite an existing descriptor without --force', async () => {
    const { dir, descriptor } = await midogFolder();
    const before = await readFile(descriptor, 'utf8');
    const result = await runCli(['init', dir]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/already exists; give --force/);
    expect(await readFile(descriptor, 'utf8')).toBe(before);
  });

  it('should refuse a folder that does not exist with exit 1 and write nothing', async () => {
    const dir = await tempDir();
    const missing = join(dir, 'nowhere');
    const result = await runCli(['init', `${missing}/`]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/nowhere\/?: no such folder/);
    expect(existsSync(missing)).toBe(false);
  });

  it('should report each unreadable file once, leave it out of the counts and exit 1', async () => {
    const dir = await tempDir('slidepack-init-');
    await copyFile(join(SLIDES, 'CMU-1-Small-Region.svs'), join(dir, 'CMU-1-Small-Region.svs'));
    await copyFile(real('asap-xml', 'pathml_tissue_tumor_001.xml'), join(dir, 'good.xml'));
    const jpeg = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#f00' } });
    await writeFile(join(dir, 'photo.svs'), await jpeg.jpeg().toBuffer());
    await writeFile(join(dir, 'cut.tiff'), await head(join(SLIDES, 'CMU-1-Small-Region.svs'), 1e5));
    const geojson = real('qupath-geojson', 'lmd_objects.geojson');
    await writeFile(join(dir, 'broken.geojson'), await head(geojson, 3000));
    const result = await runCli(['init', dir]);
    expect(result.code).toBe(1);
    for (const name of ['photo.svs', 'cut.tiff', 'broken.geojson']) {
      const lines = result.stderr.split('\n').filter((l) => l.startsWith(join(dir, name)));
      expect(lines, `${name}:\n${result.stderr}`).toHaveLength(1);
    }
    expect(result.stderr).toMatch(/written without 3 unreadable file\(s\)/);
    const text = await readFile(join(dir, 'dataset.yaml'), 'utf8');
    // One slide file and one slide named by the ASAP file; no broken slide or its annotations.
    expect(text).toMatch(/slides: 2\n\s+objects: 12\n/);
    expect(text).not.toMatch(/path: broken\.geojson/);
    expect(text).toMatch(/left out of the lists and counts below[\s\S]*# {3}photo\.svs/);
  });
});

/** The first bytes of a file, as a truncated copy. */
async function head(path: string, bytes: number): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(buffer, 0, bytes, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}
