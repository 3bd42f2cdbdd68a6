import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';

/** Thrown when the environment holds a bad value; the message names the variable. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

/** One message per variable: the first rule it breaks, always naming the variable. */
function describe(errors: ValidationError[]): string[] {
  return errors.map((e) => {
    const msg = Object.values(e.constraints ?? {})[0] ?? 'is invalid';
    return msg.startsWith(e.property) ? msg : `${e.property}: ${msg}`;
  });
}

/**
 * Validate the environment once, at start-up, into a typed config object.
 * Empty strings count as unset so `FOO= npm start` falls back to the default.
 */
export function loadConfig<T extends object>(cls: new () => T, env: NodeJS.ProcessEnv = process.env): T {
  const plain: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) {
    if (v !== undefined && v !== '') plain[k] = v;
  }
  const instance = plainToInstance(cls, plain, {
    enableImplicitConversion: true,
    excludeExtraneousValues: false,
    exposeDefaultValues: true,
  });
  const errors = validateSync(instance, { whitelist: false, forbidUnknownValues: false });
  const problems = describe(errors);
  const extra = (instance as { crossCheck?: () => string[] }).crossCheck?.() ?? [];
  problems.push(...extra);
  if (problems.length) throw new ConfigError(problems);
  return instance;
}

/**
 * Load config or stop the process with one clear message (no stack trace).
 */
export function loadConfigOrExit<T extends object>(cls: new () => T, service: string): T {
  try {
    return loadConfig(cls);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`[${service}] ${err.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }
}
