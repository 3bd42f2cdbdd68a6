import { plainToInstance } from 'class-transformer';
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
    const instance = plainToInstance(cls, value, { enableImplicitConversion: false });
    const errors = validateSync(instance, VALIDATOR_OPTIONS);
    if (errors.length) return { ok: false, message: validationMessages(errors).join('; ') || 'invalid payload' };
    return { ok: true, value: instance };
  } catch {
    return { ok: false, message: 'invalid payload' };
  }
}
