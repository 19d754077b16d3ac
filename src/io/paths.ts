import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

/** The package folder (holding `schemas/` and `templates/`), from source or from `dist/`. */
export function packageRoot(): string {
  if (root) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) || !existsSync(join(dir, 'schemas'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('slidepack: cannot find the package folder');
    dir = parent;
  }
  root = dir;
  return dir;
}

export function schemaPath(name: string): string {
  return join(packageRoot(), 'schemas', name);
}

export function templatePath(name: string): string {
  return join(packageRoot(), 'templates', name);
}
