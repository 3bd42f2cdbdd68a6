import 'reflect-metadata';
import { AuthConfig, loadConfigOrExit } from '@hihi/config';
import { bootstrapService } from '@hihi/common/service';
import { configureMongoose, probeMongo } from '@hihi/common/mongo';
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
