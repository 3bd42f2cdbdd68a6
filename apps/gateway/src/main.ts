import 'reflect-metadata';
import { GatewayConfig, loadConfigOrExit } from '@hihi/config';
import { bootstrapGateway } from './bootstrap';

const config = loadConfigOrExit(GatewayConfig, 'gateway');
void bootstrapGateway(config);
