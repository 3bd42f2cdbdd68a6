import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { ChatConfig } from '@hihi/config';
import { AUTH_PATTERNS, AuditAppend, AuditTarget } from '@hihi/contracts';
import { BusClient, RedisRpcClient } from '@hihi/common/bus';
import { type Actor, isAutomated } from '../access/actor';

/** What a moderation action records (the actor is added from the Actor). */
export interface AuditRecord {
  action: string;
  target: AuditTarget;
  reason?: string;
  details: Record<string, unknown>;
}

/** The longest label the audit log keeps (AuditAppendDto). */
const LABEL_MAX = 200;

/** The audit entry of a moderation action by `actor`. */
export function auditEntry(actor: Actor, record: AuditRecord): AuditAppend {
  const who = isAutomated(actor)
    ? { id: actor.id, username: actor.sender.username, role: 'bot' }
    : { id: actor.id, username: actor.user.username, role: actor.serverRole };
  const target = {
    ...record.target,
    ...(record.target.label ? { label: record.target.label.slice(0, LABEL_MAX) } : {}),
  };
  return {
    actor: who,
    action: record.action,
    target,
    ...(record.reason ? { reason: record.reason } : {}),
    details: record.details,
  };
}

/**
 * Every moderation action appends exactly one audit entry (SPEC §8) to auth's append-only log,
 * over the bus (`auth.audit.append`). Appended after the action is committed and awaited before
 * it is answered; a failure is logged (the action stands).
 */
export abstract class AuditTrail {
  abstract append(actor: Actor, record: AuditRecord, correlationId?: string): Promise<void>;
}

/** Keeps the entries in memory (unit and medium tests). */
export class MemoryAuditTrail extends AuditTrail {
  readonly entries: AuditAppend[] = [];
  append(actor: Actor, record: AuditRecord): Promise<void> {
    this.entries.push(auditEntry(actor, record));
    return Promise.resolve();
  }
}

@Injectable()
export class BusAuditTrail extends AuditTrail implements OnApplicationShutdown {
  private readonly logger = new Logger('Audit');
  private readonly bus: BusClient;

  constructor(config: ChatConfig) {
    super();
    const proxy = new RedisRpcClient({ url: config.REDIS_URL, prefix: config.REDIS_PREFIX, service: 'auth' });
    void proxy.connect().catch(() => undefined);
    this.bus = new BusClient(proxy, 'auth', config.BUS_TIMEOUT_MS);
  }

  async append(actor: Actor, record: AuditRecord, correlationId: string = randomUUID()): Promise<void> {
    const entry = auditEntry(actor, record);
    const res = await this.bus.call(AUTH_PATTERNS.auditAppend, entry, { correlationId });
    if (!res.ok) this.logger.error(`audit entry ${record.action} not appended: ${res.error.message}`);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.bus.close();
  }
}
