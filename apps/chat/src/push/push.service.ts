import { Injectable } from '@nestjs/common';
import { BusError } from '@hihi/common/bus';
import { checkUrl, EgressError, EgressPolicy, parseEgressAllow, allowKey, urlPort } from '@hihi/common/egress';
import { ChatConfig } from '@hihi/config';
import { PUSH, PushSubscriptionBody, VapidKey } from '@hihi/contracts';
import type { Actor } from '../access/actor';
import { PushRepository } from '../persistence/push.repository';
import { loadVapidKeys, VapidKeys } from './vapid-keys';
import { PushAudience } from './push-audience';

/**
 * Web Push subscriptions (SPEC §10), the one write path: a person keeps at most PUSH.perUser
 * devices; an endpoint must be https (plain http only for a host:port EGRESS_ALLOW lists) and not
 * an IP literal the egress guard refuses. Deliveries (PushNotifier) go through the guard again.
 */
@Injectable()
export class PushService {
  readonly policy: EgressPolicy;
  private keys?: VapidKeys;

  constructor(
    private readonly repo: PushRepository,
    private readonly config: ChatConfig,
    private readonly audience: PushAudience,
  ) {
    this.policy = parseEgressAllow(config.EGRESS_ALLOW);
  }

  vapid(): VapidKeys & { subject: string } {
    this.keys ??= loadVapidKeys(
      { publicKey: this.config.VAPID_PUBLIC_KEY, privateKey: this.config.VAPID_PRIVATE_KEY },
      this.config.HIHI_DATA_DIR,
    );
    return { ...this.keys, subject: this.config.VAPID_SUBJECT };
  }

  vapidKey(): VapidKey {
    return { publicKey: this.vapid().publicKey };
  }

  async subscribe(actor: Actor, body: PushSubscriptionBody): Promise<void> {
    if (actor.kind !== 'user') throw new BusError('forbidden', 'only people receive push notifications');
    const url = this.endpoint(body.endpoint);
    const key = Buffer.from(body.keys.p256dh, 'base64url');
    if (key.length !== 65 || key[0] !== 0x04)
      throw new BusError('validation', 'keys.p256dh must be an uncompressed P-256 public key');
    if (Buffer.from(body.keys.auth, 'base64url').length !== 16)
      throw new BusError('validation', 'keys.auth must be 16 bytes');
    await this.repo.upsert(
      actor.id,
      url,
      body.keys.p256dh.replace(/=+$/, ''),
      body.keys.auth.replace(/=+$/, ''),
      PUSH.perUser,
    );
    // the person's rooms may now have someone to push to: every process forgets their audiences
    await this.audience.deviceAdded();
  }

  async unsubscribe(actor: Actor, endpoint: string): Promise<void> {
    await this.repo.remove(actor.id, endpoint);
  }

  private endpoint(raw: string): string {
    let url: URL;
    try {
      url = checkUrl(this.policy, raw);
    } catch (err) {
      throw new BusError('validation', `endpoint refused: ${err instanceof EgressError ? err.message : 'not a URL'}`);
    }
    const listed = this.policy.allow.has(allowKey(url.hostname.replace(/^\[|\]$/g, ''), urlPort(url)));
    if (url.protocol !== 'https:' && !listed) throw new BusError('validation', 'endpoint must be an https URL');
    const s = url.toString();
    if (s.length > PUSH.endpointMax)
      throw new BusError('validation', `endpoint must be at most ${PUSH.endpointMax} characters`);
    return s;
  }
}
