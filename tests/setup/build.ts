import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

/**
 * CLI tests run the built `bin/slidepack.js`, so compile once before any test starts. tsc
 * emits even when it finds type errors; `tests/core/typecheck.test.ts` is what fails on those.
 */
export default function setup(): void {
  const root = resolve(import.meta.dirname, '../..');
  const tsc = resolve(root, 'node_modules/typescript/bin/tsc');
  spawnSync(process.execPath, [tsc, '-p', root], { cwd: root, stdio: 'ignore' });
}
