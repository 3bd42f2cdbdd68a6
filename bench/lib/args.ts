/**
 * The bench scripts' command line: `--name=value` (split at the first `=`, so a value may hold
 * one: `--env=NODE_OPTIONS:--max-semi-space-size=32`) or `--flag` (value 'true').
 */
export function cliArgs(argv: string[] = process.argv.slice(2)): Map<string, string> {
  return new Map(
    argv.map((a) => {
      const s = a.replace(/^--/, '');
      const i = s.indexOf('=');
      return i < 0 ? [s, 'true'] : [s.slice(0, i), s.slice(i + 1)];
    }),
  );
}
