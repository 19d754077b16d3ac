import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { real, runCli } from '../helpers.js';

/** Each folder of real exports and the format slidepack must name for every file in it. */
const EXPECTED: Record<string, string> = {
  'qupath-geojson': 'qupath-geojson',
  'asap-xml': 'asap-xml',
  'imagescope-xml': 'imagescope-xml',
  coco: 'coco',
  'sliderunner-sqlite': 'sliderunner-sqlite',
};

describe('slidepack detect on real exports', () => {
  for (const [folder, format] of Object.entries(EXPECTED)) {
    for (const file of readdirSync(real(folder))) {
      it(`should name ${format} for ${folder}/${file}, with a reason`, async () => {
        const result = await runCli(['detect', '--json', real(folder, file)]);
        expect(result.code).toBe(0);
        const [detection] = JSON.parse(result.stdout);
        expect(detection.format).toBe(format);
        const chosen = detection.results.find((r: { format: string }) => r.format === format);
        expect(chosen.reason.length).toBeGreaterThan(10);
        const others = detection.results.filter((r: { format: string }) => r.format !== format);
        for (const other of others) expect(other.reason.length).toBeGreaterThan(5);
      });
    }
  }

  it('should say no format recognised a HistomicsTK export and exit 1', async () => {
    const [file] = readdirSync(real('histomicstk-json'));
    const result = await runCli(['detect', real('histomicstk-json', file!)]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('not recognised');
    expect(result.stderr).toContain('no format recognised');
  });
});
