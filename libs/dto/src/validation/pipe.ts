import { ArgumentMetadata, BadRequestException, ValidationPipe } from '@nestjs/common';
import { payloadProblem } from './payload-guard';
import { VALIDATOR_OPTIONS, validationMessages } from './validate';

/**
 * ValidationPipe that first applies the structural rules (payloadProblem: depth, size,
 * prototype keys, well-formed text) without recursion, then the DTO with VALIDATOR_OPTIONS.
 */
class StrictValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type !== 'custom') {
      const problem = payloadProblem(value);
      if (problem) throw new BadRequestException([problem]);
    }
    return super.transform(value, metadata);
  }
}

/**
 * The one validation pipe, at the gateway (HTTP) and in the microservices' bus handlers:
 * the same rules as validatePayload (sockets, chat's handlers). Unknown fields are refused,
 * types are transformed explicitly (no implicit conversion).
 */
export function strictValidationPipe(): ValidationPipe {
  return new StrictValidationPipe({
    ...VALIDATOR_OPTIONS,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    exceptionFactory: (errors) => new BadRequestException(validationMessages(errors)),
  });
}
