import 'reflect-metadata';
import { AuthConfig, loadConfigOrExit } from '@hihi/config';
import { bootstrapService } from '@hihi/common';
import { AuthAppModule } from './auth-app.module';

const config = loadConfigOrExit(AuthConfig, 'auth');
void bootstrapService({ service: 'auth', module: AuthAppModule.register(config), config });
