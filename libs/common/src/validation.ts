import { ArgumentMetadata, BadRequestException, ValidationError, ValidationPipe } from '@nestjs/common';

function messages(errors: ValidationError[], parent = ''): string[] {
  return errors.flatMap((e) => {
    const path = parent ? `${parent}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {});
    return [...own, ...messages(e.children ?? [], path)];
  });
}

/** Keys that could reach an object's prototype when a payload is copied onto a class instance. */
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** The first prototype-polluting key anywhere in a parsed payload (JSON.parse makes `__proto__` an own key). */
export function findPrototypeKey(value: unknown, depth = 0): string | undefined {
  if (typeof value !== 'object' || value === null || depth > 32) return undefined;
  for (const key of Object.keys(value)) {
    if (PROTOTYPE_KEYS.has(key)) return key;
    const nested = findPrototypeKey((value as Record<string, unknown>)[key], depth + 1);
    if (nested) return nested;
  }
  return undefined;
}

/** ValidationPipe that first refuses `__proto__` / `constructor` / `prototype` keys (class-transformer would apply them). */
class StrictValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type !== 'custom') {
      const key = findPrototypeKey(value);
      if (key) throw new BadRequestException([`property ${key} should not exist`]);
    }
    return super.transform(value, metadata);
  }
}

/**
 * The one validation pipe, used at the gateway (HTTP and sockets) and inside the
 * microservices' handlers: unknown fields are refused, types are transformed.
 */
export function strictValidationPipe(): ValidationPipe {
  return new StrictValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => new BadRequestException(messages(errors)),
  });
}
