import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SlideInfo } from '../../src/slide/info.js';
import { runCli, SLIDES } from '../helpers.js';

/** Every slide in the shared fixtures: files, and folders (a DICOM series each). */
const entries = readdirSync(SLIDES)
  .filter((name) => !name.endsWith('.md') && !name.startsWith('.'))
  .sort();

/** DICOM header values as SOURCES.md lists them (dcmdump); OpenSlide 3.4 cannot read DICOM. */
const DICOM_HEADERS: Record<string, Partial<SlideInfo>> = {
  'dicom-boxes': {
    width: 16,
    height: 16,
    mpp: { x: 0.499, y: 0.499 },
    objectivePower: 20,
    vendor: 'Leica Biosystems',
  },
  'dicom-highdicom-sm': {
    width: 50,
    height: 50,
    mpp: { x: 0.499, y: 0.499 },
    vendor: 'Test Manufacturer',
  },
};

function openslide(path: string): Record<string, string> | undefined {
  const result = spawnSync('openslide-show-properties', [path], { encoding: 'utf8' });
  if (result.status !== 0) return undefined;
  const props: Record<string, string> = {};
  for (const m of result.stdout.matchAll(/^([^:\n]+): '([^']*)'$/gm)) props[m[1]!] = m[2]!;
  return props;
}

async function slideInfo(path: string): Promise<SlideInfo> {
  const result = await runCli(['slide', 'info', '--json', path]);
  expect(result.stderr).toBe('');
  const [entry] = JSON.parse(result.stdout) as { ok: boolean; info: SlideInfo }[];
  expect(entry!.ok).toBe(true);
  return entry!.info;
}

/** The OME-XML PhysicalSizeX/Y and the size, as GDAL reads them from the TIFF. */
function gdalOme(path: string) {
  const result = spawnSync('gdalinfo', ['-json', path], { encoding: 'utf8' });
  const json = JSON.parse(result.stdout);
  const xml: string = json.metadata[''].TIFFTAG_IMAGEDESCRIPTION;
  const attr = (name: string) => Number(xml.match(new RegExp(`${name}="([^"]+)"`))![1]);
  return { size: json.size as number[], x: attr('PhysicalSizeX'), y: attr('PhysicalSizeY') };
}

describe('slide info on the shared slides', () => {
  it.each(entries)('should report %s as its own reference reader does', async (name) => {
    const path = join(SLIDES, name);
    const info = await slideInfo(path);
    const props = statSync(path).isFile() ? openslide(path) : undefined;
    if (props) {
      expect(info.width).toBe(Number(props['openslide.level[0].width']));
      expect(info.height).toBe(Number(props['openslide.level[0].height']));
      expect(info.levels.length).toBe(Number(props['openslide.level-count']));
      for (const [n, level] of info.levels.entries()) {
        expect(level.width).toBe(Number(props[`openslide.level[${n}].width`]));
        expect(level.downsample).toBeCloseTo(Number(props[`openslide.level[${n}].downsample`]), 9);
      }
      if (props['openslide.mpp-x']) {
        expect(info.mpp!.x).toBeCloseTo(Number(props['openslide.mpp-x']), 9);
        expect(info.mpp!.y).toBeCloseTo(Number(props['openslide.mpp-y']), 9);
      } else expect(info.mpp).toBeUndefined();
      const power = props['openslide.objective-power'];
      expect(info.objectivePower).toBe(power === undefined ? undefined : Number(power));
      expect(info.vendor ?? 'generic-tiff').toBe(props['openslide.vendor']);
    } else if (info.format === 'ome-tiff') {
      const ome = gdalOme(path);
      expect([info.width, info.height]).toEqual(ome.size);
      expect(info.mpp).toEqual({ x: ome.x, y: ome.y });
    } else {
      expect(info.format).toBe('dicom');
      const expected = DICOM_HEADERS[name];
      expect(expected, `no header values recorded for ${name}`).toBeDefined();
      expect(info).toMatchObject(expected!);
    }
    expect(info.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(info.headerFingerprint).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('slide info details', () => {
  it('should flag the label, macro and thumbnail of CMU-1-Small-Region.svs', async () => {
    const info = await slideInfo(join(SLIDES, 'CMU-1-Small-Region.svs'));
    expect(
      info.associatedImages.map((a) => [a.kind, a.width, a.height, a.mayIdentifyPatient]),
    ).toEqual([
      ['thumbnail', 574, 768, true],
      ['label', 387, 463, true],
      ['macro', 1280, 431, true],
    ]);
    expect(info.sha256).toBe('ed92d5a9f2e86df67640d6f92ce3e231419ce127131697fbbce42ad5e002c8a7');
    expect(info.scanner).toBe('CPAPERIOCS');
  });

  it('should mark the NDPI levels OpenSlide adds by scaled decoding as not stored', async () => {
    const info = await slideInfo(join(SLIDES, 'test3-DAPI-2-387.ndpi'));
    expect(info.levels.map((l) => l.stored !== false)).toEqual([
      true,
      true,
      true,
      true,
      false,
      false,
      false,
    ]);
    expect(info.associatedImages.map((a) => a.kind)).toEqual(['macro', 'map']);
    expect(info.scanner).toBe('C9600-12');
  });

  it('should read the big-endian OME-TIFF and the DICOM thumbnail instance', async () => {
    const ome = await slideInfo(join(SLIDES, 'OS-1-detail.ome.tif'));
    expect(ome.levels).toHaveLength(1);
    expect(ome.compression).toBe('jpeg');
    const dicom = await slideInfo(join(SLIDES, 'dicom-boxes'));
    expect(dicom.associatedImages.map((a) => a.kind)).toEqual(['thumbnail']);
    expect(dicom.compression).toBe('jpeg');
  });
});
