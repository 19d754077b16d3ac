import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatsTable } from '../../src/cli/commands/formats.js';
import { LOSS_CODES } from '../../src/loss-codes.js';
import { ROOT } from '../helpers.js';

const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');

describe('README', () => {
  it('should start with exactly the two set-up commands', () => {
    const block = readme.match(/```sh\n([\s\S]*?)```/)?.[1];
    expect(readme.indexOf('```sh')).toBeLessThan(readme.indexOf('\n## '));
    expect(block?.trim().split('\n')).toEqual([
      'npm install && npm run example',
      'bash .ci/test.sh',
    ]);
  });

  it('should show the formats table as slidepack formats prints it', () => {
    for (const line of formatsTable()) expect(readme).toContain(line);
  });

  it('should explain every loss-report code', () => {
    for (const [code, info] of Object.entries(LOSS_CODES)) {
      expect(readme).toContain(`| \`${code}\` | ${info.effect} | ${info.description} |`);
    }
  });
});
