import 'reflect-metadata';
import { ChatConfig, loadConfigOrExit } from '@hihi/config';
import { bootstrapService } from '@hihi/common';
import { ChatAppModule } from './chat-app.module';

const config = loadConfigOrExit(ChatConfig, 'chat');
void bootstrapService({ service: 'chat', module: ChatAppModule.register(config), config });
