import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runCli } from '../helpers.js';
import { midogFolder } from './folders.js';

/** MIDOG with two slides per patient, so a patient split has groups to keep together. */
const pairedPatients = () =>
  midogFolder((doc) => {
    for (let i = 1; i <= 200; i++) {
      const slide = `${String(i).padStart(3, '0')}.tiff`;
      doc.setIn(['subjects', slide], { patient: `P${Math.ceil(i / 2)}` });
    }
  });

describe('slidepack split', () => {
  it('should keep each patient in one split and write the splits into the descriptor', async () => {
    const { descriptor } = await pairedPatients();
    const result = await runCli([
      'split',
      descriptor,
      '--by',
      'patient',
      '--ratios',
      '70,15,15',
      '--seed',
      '7',
    ]);
    expect(result.code, result.stderr).toBe(0);
    const data = parse(await readFile(descriptor, 'utf8'));
    expect(data.splits.unit).toBe('patient');
    expect(data.splits.seed).toBe(7);
    const sets = data.splits.sets as Record<string, string[]>;
    expect(Object.keys(sets)).toEqual(['train', 'val', 'test']);
    const all = Object.values(sets).flat();
    expect(new Set(all).size).toBe(100);
    expect(all.length).toBe(100);
    expect(sets.train!.length).toBeGreaterThan(60);
    expect(sets.val!.length).toBeGreaterThan(8);
    const check = await runCli(['datasheet', descriptor, '--check']);
    expect(check.code, check.stderr).toBe(0);
  });

  it('should give the same split for the same seed and another for another seed', async () => {
    const runs: string[] = [];
    for (const seed of ['3', '3', '4']) {
      const { descriptor } = await pairedPatients();
      const result = await runCli([
        'split',
        descriptor,
        '--by',
        'patient',
        '--seed',
        seed,
        '--json',
        '--dry-run',
      ]);
      expect(result.code, result.stderr).toBe(0);
      const { descriptor: again } = await pairedPatients();
      await runCli(['split', again, '--by', 'patient', '--seed', seed]);
      runs.push(JSON.stringify(parse(await readFile(again, 'utf8')).splits.sets));
    }
    expect(runs[0]).toBe(runs[1]);
    expect(runs[2]).not.toBe(runs[0]);
  });

  it('should stratify by class so each split holds a similar share of mitotic figures', async () => {
    const { descriptor } = await pairedPatients();
    await runCli(['split', descriptor, '--by', 'patient', '--seed', '11']);
    const result = await runCli(['datasheet', descriptor, '-o', `${descriptor}.out`]);
    expect(result.code, result.stderr).toBe(0);
    const md = await readFile(`${descriptor}.out/DATASHEET.md`, 'utf8');
    const shares = [
      ...md.matchAll(/^\| (train|val|test) \| \d+ \| (\d+) \| (\d+) \| (\d+) \|$/gm),
    ].map((m) => Number(m[2]) / Number(m[4]));
    expect(shares).toHaveLength(3);
    for (const share of shares) expect(Math.abs(share - 1721 / 4435)).toBeLessThan(0.05);
  });

  it('should fail when a slide has no patient to group by', async () => {
    const { descriptor } = await midogFolder();
    const result = await runCli(['split', descriptor, '--by', 'patient']);
    // The command is right; the data lacks patients: exit 1, naming the descriptor.
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /dataset\.yaml: 200 slide\(s\) have no patient \(first: 001\.tiff\)/,
    );
  });

  it('should refuse repeated split names and negative shares as usage errors', async () => {
    const { descriptor } = await midogFolder();
    const before = await readFile(descriptor, 'utf8');
    const repeated = await runCli(['split', descriptor, '--by', 'slide', '--names', 'a,a,b']);
    expect(repeated.code).toBe(2);
    expect(repeated.stderr).toMatch(/--names: expected distinct, non-empty split names.*"a" twice/);
    const spaced = await runCli(['split', descriptor, '--by', 'slide', '--ratios', '-10,60,50']);
    expect(spaced.code).toBe(2);
    expect(spaced.stderr).toMatch(/value starting with "-".*--ratios takes shares ≥ 0/);
    expect(spaced.stderr).not.toMatch(/Unknown arguments/);
    const joined = await runCli(['split', descriptor, '--by', 'slide', '--ratios=-10,60,50']);
    expect(joined.code).toBe(2);
    expect(joined.stderr).toMatch(/--ratios: expected comma-separated non-negative numbers/);
    expect(await readFile(descriptor, 'utf8')).toBe(before);
  });

  it("should name each split's slides once when splitting by slide", async () => {
    const { descriptor } = await midogFolder();
    const args = [
      'split',
      descriptor,
      '--by',
      'slide',
      '--dry-run',
      '--ratios',
      '70,30',
      '--names',
      'train,test',
    ];
    const result = await runCli(args);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^train: 140 slide\(s\), \d+ object\(s\)$/m);
    expect(result.stdout).not.toMatch(/slide\(s\), \d+ slide\(s\)/);
  });
});
