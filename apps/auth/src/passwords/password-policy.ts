import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const LIST_NAME = 'common-passwords.txt';
const SOURCE_PATH = join('apps', 'auth', 'src', 'passwords', LIST_NAME);

/**
 * Where the list is: beside this file (source, or a build that copied it), else found by
 * walking up from here to the repository (the build keeps the source tree beside dist).
 */
export function commonPasswordsFile(from = __dirname): string {
  const beside = join(from, LIST_NAME);
  if (existsSync(beside)) return beside;
  let dir = from;
  for (let i = 0; i < 10; i++) {
    const candidate = join(dir, SOURCE_PATH);
    if (existsSync(candidate)) return candidate;
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  throw new Error(`the common-password list (${SOURCE_PATH}) was not found`);
}

/** Parse the list: one password a line; blank lines and `#` comments ignored; compared lower-cased. */
export function parsePasswordList(text: string): Set<string> {
  const set = new Set<string>();
  for (const line of text.split(/\r?\n/)) {
    const p = line.trim();
    if (p && !p.startsWith('#')) set.add(p.toLowerCase());
  }
  return set;
}

/** Refuses the most common passwords (loaded once), case-insensitively. */
export class PasswordPolicy {
  constructor(private readonly common: ReadonlySet<string>) {}

  static load(file = commonPasswordsFile()): PasswordPolicy {
    return new PasswordPolicy(parsePasswordList(readFileSync(file, 'utf8')));
  }

  get size(): number {
    return this.common.size;
  }

  isCommon(password: string): boolean {
    return this.common.has(password.toLowerCase()) || this.common.has(password.trim().toLowerCase());
  }

  /** A reason the password is refused, or undefined when it is acceptable. Length is checked by the DTO. */
  problem(password: string, username?: string): string | undefined {
    if (this.isCommon(password)) return 'password is too common; choose another';
    if (username && password.normalize('NFKC').toLowerCase() === username.normalize('NFKC').toLowerCase()) {
      return 'password must not be the username';
    }
    return undefined;
  }
}
