import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

/** CLI tests run the built `bin/slidepack.js`, so compile once before any test starts. */
export default function setup(): void {
  const root = resolve(import.meta.dirname, '../..');
  execFileSync(process.execPath, [resolve(root, 'node_modules/typescript/bin/tsc'), '-p', root], {
    cwd: root,
    stdio: 'inherit',
  });
}
