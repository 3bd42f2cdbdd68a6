import { DynamicModule, Global, Module } from '@nestjs/common';

/**
 * Makes an already-validated config object injectable by its class:
 * `constructor(private readonly config: GatewayConfig)`.
 */
@Global()
@Module({})
export class TypedConfigModule {
  static forRoot<T extends object>(cls: new () => T, value: T): DynamicModule {
    return {
      module: TypedConfigModule,
      providers: [{ provide: cls, useValue: value }],
      exports: [cls],
    };
  }
}
