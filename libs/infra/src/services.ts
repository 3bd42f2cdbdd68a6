import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

export type ServiceName = 'auth' | 'chat' | 'gateway';
export const SERVICES: ServiceName[] = ['auth', 'chat', 'gateway'];

/** Repository root, found from this file's place in src/ or dist/. */
export function repoRoot(): string {
  let dir = __dirname;
  for (let i = 0; i < 8; i++) {
    if (existsSync(join(dir, 'nest-cli.json'))) return dir;
    dir = resolve(dir, '..');
  }
  return process.cwd();
}

/** The built entry point of a service (what `nest build <name>` writes). */
export function serviceScript(name: ServiceName, root = repoRoot()): string {
  return join(root, 'dist', 'apps', name, 'apps', name, 'src', 'main.js');
}
