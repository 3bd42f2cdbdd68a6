import { Controller, DynamicModule, Get, Global, Header, Inject, Module } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/**
 * Every Prometheus metric of Hihi Chat, in one place. Each process registers them all (with a
 * `service` label); a service only moves the ones that concern it.
 */
export class Metrics {
  readonly registry = new Registry();

  /** gateway: Socket.IO connections now open */
  readonly socketsConnected: Gauge;
  /** gateway: messages acknowledged to their sender (stored) */
  readonly messagesAccepted: Counter;
  /** gateway: message events emitted to sockets (one per receiving socket) */
  readonly messagesDelivered: Counter;
  /** gateway: message:send received → ack sent */
  readonly sendAckSeconds: Histogram;
  /** gateway: message stored (createdAt) → emitted to this gateway's sockets */
  readonly fanoutSeconds: Histogram;
  /** gateway: sign-in outcomes (action = login|register|refresh|guest, outcome = ok|rejected|limited|unavailable) */
  readonly authOutcomes: Counter;
  /** gateway: requests refused by a rate limit */
  readonly rateLimitHits: Counter;
  /** gateway: request over the bus → answer */
  readonly busRequestSeconds: Histogram;
  /** gateway: bus requests that got no answer in time */
  readonly busTimeouts: Counter;
  /** auth, chat: time to handle one bus request */
  readonly busHandledSeconds: Histogram;
  /** chat: reads that could go to the replica (target = replica|primary, reason = fresh|behind|error) */
  readonly dbReads: Counter;

  constructor(readonly service: string) {
    this.registry.setDefaultLabels({ service });
    collectDefaultMetrics({ register: this.registry });
    const registers = [this.registry];
    this.socketsConnected = new Gauge({
      name: 'hihi_sockets_connected',
      help: 'Socket.IO connections open',
      registers,
    });
    this.messagesAccepted = new Counter({
      name: 'hihi_messages_accepted_total',
      help: 'Messages stored and acked',
      registers,
    });
    this.messagesDelivered = new Counter({
      name: 'hihi_messages_delivered_total',
      help: 'Message events emitted to sockets',
      registers,
    });
    this.sendAckSeconds = new Histogram({
      name: 'hihi_send_ack_seconds',
      help: 'message:send received to ack sent',
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.fanoutSeconds = new Histogram({
      name: 'hihi_fanout_seconds',
      help: 'Message stored to emitted by this gateway',
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.authOutcomes = new Counter({
      name: 'hihi_auth_outcomes_total',
      help: 'Sign-in outcomes',
      labelNames: ['action', 'outcome'],
      registers,
    });
    this.rateLimitHits = new Counter({
      name: 'hihi_rate_limit_hits_total',
      help: 'Requests refused by a rate limit',
      labelNames: ['limit'],
      registers,
    });
    this.busRequestSeconds = new Histogram({
      name: 'hihi_bus_request_seconds',
      help: 'Bus request to answer, as seen by the caller',
      labelNames: ['target', 'pattern', 'outcome'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.busTimeouts = new Counter({
      name: 'hihi_bus_timeouts_total',
      help: 'Bus requests without an answer in time',
      labelNames: ['target', 'pattern'],
      registers,
    });
    this.dbReads = new Counter({
      name: 'hihi_db_reads_total',
      help: 'History, search and room-list reads by where they ran (DATABASE_REPLICA_URL)',
      labelNames: ['target', 'reason'],
      registers,
    });
    this.busHandledSeconds = new Histogram({
      name: 'hihi_bus_handled_seconds',
      help: 'Time to handle one bus request',
      labelNames: ['pattern', 'outcome'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
  }
}

@Controller()
class MetricsController {
  constructor(@Inject(Metrics) private readonly metrics: Metrics) {}

  /** Prometheus text format. */
  @Get('metrics')
  @Header('Cache-Control', 'no-store')
  @Header('Content-Type', Registry.PROMETHEUS_CONTENT_TYPE)
  async scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}

@Global()
@Module({})
export class MetricsModule {
  static forRoot(service: string): DynamicModule {
    return {
      module: MetricsModule,
      controllers: [MetricsController],
      providers: [{ provide: Metrics, useValue: new Metrics(service) }],
      exports: [Metrics],
    };
  }
}
