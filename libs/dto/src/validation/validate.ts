import { plainToInstance } from 'class-transformer';
import { defaultMetadataStorage } from 'class-transformer/cjs/storage';
import { validateSync, ValidationError, ValidatorOptions } from 'class-validator';
import { payloadProblem } from './payload-guard';
import './metadata-cache';

/** The class-validator options of every request, whatever the door (HTTP, socket, bus). */
export const VALIDATOR_OPTIONS: ValidatorOptions = {
  whitelist: true,
  forbidNonWhitelisted: true,
  forbidUnknownValues: true,
  validationError: { target: false, value: false },
};

/** Result of validating an untrusted payload by hand (sockets, bus handlers). */
export type Validated<T> = { ok: true; value: T } | { ok: false; message: string };

/** A DTO class. */
export type DtoClass<T extends object = object> = new () => T;

/** A request that carries no data: only `{}` passes. */
export class EmptyDto {
  [key: string]: never;
}

function isEmptyObject(v: unknown): boolean {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 0;
}

/** Every constraint message, children included (the messages never echo the value). */
export function validationMessages(errors: ValidationError[]): string[] {
  return errors.flatMap((e) => [...Object.values(e.constraints ?? {}), ...validationMessages(e.children ?? [])]);
}

/** class-transformer's own records (type, transform, expose, exclude) per class. */
const TRANSFORMER_RECORDS = ['_typeMetadatas', '_transformMetadatas', '_exposeMetadatas', '_excludeMetadatas'] as const;
type TransformerRecords = Record<(typeof TRANSFORMER_RECORDS)[number], Map<unknown, unknown>>;
const transformFree = new WeakMap<DtoClass, boolean>();

/** No class-transformer decorator on the class or its ancestors (@Type, @Transform, @Expose, @Exclude). */
export function isTransformFree(cls: DtoClass): boolean {
  let known = transformFree.get(cls);
  if (known === undefined) {
    const records = defaultMetadataStorage as unknown as Partial<TransformerRecords>;
    known = true;
    for (let c: unknown = cls; typeof c === 'function' && c !== Function.prototype; c = Object.getPrototypeOf(c)) {
      if (TRANSFORMER_RECORDS.some((r) => records[r]?.has(c) !== false)) known = false;
    }
    transformFree.set(cls, known);
  }
  return known;
}

/**
 * What plainToInstance makes of a payload of primitives for a class without transformer
 * decorators — the same object — made without it (it is half of the validation's cost on a
 * flood of small commands: 20,000 room:read a second on one gateway). Anything else is left to
 * plainToInstance: a nested object or array, a key the instance already has from its prototype
 * (which plainToInstance skips), a class with decorators.
 */
function plainInstance<T extends object>(cls: DtoClass<T>, value: object): T | undefined {
  if (!isTransformFree(cls)) return undefined;
  const instance = new cls() as Record<string, unknown>;
  for (const key of Object.keys(value)) {
    const v = (value as Record<string, unknown>)[key];
    if (typeof v === 'object' && v !== null) return undefined;
    if (key in instance && !Object.prototype.hasOwnProperty.call(instance, key)) return undefined;
  }
  return Object.assign(instance, value) as T;
}

/**
 * The one validation pipeline (docs/api.md "Validation"): the structural rules first
 * (payloadProblem: depth, size, prototype keys, well-formed text — no recursion), then the DTO
 * (unknown fields refused, types checked, no implicit conversion). Used by the gateway's socket
 * forwarder and the bus handlers; the HTTP pipe (strictValidationPipe) runs the same two steps.
 * Never throws.
 */
export function validatePayload<T extends object>(cls: DtoClass<T>, value: unknown): Validated<T> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, message: 'payload must be an object' };
  }
  const problem = payloadProblem(value);
  if (problem) return { ok: false, message: problem };
  // a class without fields would be refused by forbidUnknownValues: "no data" only needs {}
  if ((cls as DtoClass) === EmptyDto) {
    return isEmptyObject(value) ? { ok: true, value: new cls() } : { ok: false, message: 'this request takes no data' };
  }
  try {
    const instance = plainInstance(cls, value) ?? plainToInstance(cls, value, { enableImplicitConversion: false });
    const errors = validateSync(instance, VALIDATOR_OPTIONS);
    if (errors.length) return { ok: false, message: validationMessages(errors).join('; ') || 'invalid payload' };
    return { ok: true, value: instance };
  } catch {
    return { ok: false, message: 'invalid payload' };
  }
}
