import { ModelDefinition } from '@nestjs/mongoose';
import { ApiToken, ApiTokenSchema } from './api-token.schema';
import { IntegrationsController } from './integrations.controller';
import { IntegrationsService } from './integrations.service';

/** Bots and long-lived tokens in the auth service (SPEC §9): spread into AuthAppModule. */
export const INTEGRATION_MODELS: ModelDefinition[] = [{ name: ApiToken.name, schema: ApiTokenSchema }];
export const INTEGRATION_PROVIDERS = [IntegrationsService];
export const INTEGRATION_CONTROLLERS = [IntegrationsController];
export { IntegrationsService } from './integrations.service';
