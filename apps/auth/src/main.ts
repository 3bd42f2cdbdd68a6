import 'reflect-metadata';
import { AuthConfig, loadConfigOrExit } from '@hihi/config';
import { bootstrapService, configureMongoose, probeMongo } from '@hihi/common';
import { AuthAppModule } from './auth-app.module';

const config = loadConfigOrExit(AuthConfig, 'auth');
void bootstrapService({
  service: 'auth',
  module: AuthAppModule.register(config),
  config,
  probe: async () => {
    configureMongoose();
    await probeMongo(config.MONGO_URL, 'auth');
  },
});
