import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { local, runCli, tempDir } from '../helpers.js';

const fixture = (name: string) => local('asap', name);

/** Convert a file to canonical NDJSON with the CLI; the output path is returned too. */
async function convertCli(input: string, ...args: string[]) {
  const out = join(await tempDir(), 'out.ndjson');
  const result = await runCli(['convert', input, '--to', 'canonical', '-o', out, ...args]);
  return { ...result, out };
}

describe('ASAP bad input', () => {
  it('should name the line and column of malformed XML, exit 1 and write nothing', async () => {
    const r = await convertCli(fixture('malformed.xml'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/malformed\.xml \(line 13, column \d+\): not well-formed XML/);
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
    expect(existsSync(r.out)).toBe(false);
  });

  it('should warn about an unknown Type and convert the rest', async () => {
    const r = await convertCli(fixture('unknown-type.xml'));
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/line 4.*Type "Circle" is not an ASAP annotation type/);
    const objects = readFileSync(r.out, 'utf8')
      .split('\n')
      .filter((l) => l.includes('"object"'));
    expect(objects).toHaveLength(1);
    expect(objects[0]).toContain('"name":"kept"');
  });

  it('should refuse a repeated Order with its line', async () => {
    const r = await convertCli(fixture('duplicate-order.xml'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/line 13\).*Order="0" appears twice/);
    expect(existsSync(r.out)).toBe(false);
  });

  it('should refuse a Coordinate without Order with its line', async () => {
    const r = await convertCli(fixture('missing-order.xml'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/line 14\).*without a usable Order/);
    expect(existsSync(r.out)).toBe(false);
  });

  it('should say that ASAP would discard the file when a group is not defined', async () => {
    const r = await convertCli(fixture('undefined-group.xml'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/line 10\).*group "stroma".*ASAP itself would discard the whole file/);
    expect(existsSync(r.out)).toBe(false);
  });

  it('should refuse a coordinate that is not a number', async () => {
    const r = await convertCli(fixture('not-a-number.xml'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/line 13\).*X is not a number.*"1OO"/);
    expect(existsSync(r.out)).toBe(false);
  });

  it('should refuse a decimal comma unless asked to repair it, and report the repair', async () => {
    const refused = await convertCli(fixture('decimal-comma.xml'));
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/line 13\).*X="100,5" uses a decimal comma/);
    expect(existsSync(refused.out)).toBe(false);

    const report = join(await tempDir(), 'report.json');
    const repaired = await convertCli(
      fixture('decimal-comma.xml'),
      '--repair-decimal-comma',
      '--report',
      report,
    );
    expect(repaired.code).toBe(0);
    expect(readFileSync(repaired.out, 'utf8')).toContain('[100.5,0]');
    const losses = JSON.parse(readFileSync(report, 'utf8')).losses;
    expect(losses.map((l: { code: string }) => l.code)).toEqual(['DECIMAL_COMMA_REPAIRED']);
  });

  it('should not read a local file named by an external entity', async () => {
    const dir = await tempDir();
    const secret = join(dir, 'secret.txt');
    await writeFile(secret, 'TOP-SECRET-PATIENT-NAME');
    const input = join(dir, 'xxe.xml');
    const text = readFileSync(fixture('unknown-type.xml'), 'utf8')
      .replace(
        '<ASAP_Annotations>',
        `<!DOCTYPE ASAP_Annotations [\n <!ENTITY xxe SYSTEM "file://${secret}">\n]>\n` +
          '<ASAP_Annotations>',
      )
      .replace('Name="kept"', 'Name="&xxe;"');
    await writeFile(input, text);
    for (const to of ['canonical', 'asap-xml']) {
      const out = join(dir, `out-${to}`);
      const r = await runCli(['convert', input, '--to', to, '-o', out, '--json', '--verbose']);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/xxe\.xml \(line 4\): the DOCTYPE declares entities/);
      expect(`${r.stdout}${r.stderr}`).not.toContain('TOP-SECRET');
      expect(existsSync(out)).toBe(false);
    }
  });

  it('should stop an entity-expansion bomb at its DOCTYPE with a clear error', async () => {
    const r = await convertCli(fixture('bomb.xml'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/bomb\.xml \(line 13\): the DOCTYPE declares entities/);
    expect(r.stderr).not.toContain('lollol');
    expect(existsSync(r.out)).toBe(false);
  });
});
