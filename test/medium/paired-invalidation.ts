import { AccessInvalidation, AccessNotice } from '../../apps/chat/src/access/access-invalidation';

/**
 * Two chat processes' access notices without Redis: what one publishes its `peer` receives.
 * `up = false` is a lost subscription (the caches are bypassed).
 */
export class PairedInvalidation extends AccessInvalidation {
  peer?: PairedInvalidation;
  up = true;
  get healthy(): boolean {
    return this.up;
  }
  protected send(notice: AccessNotice): Promise<void> {
    this.peer?.receive(notice);
    return Promise.resolve();
  }
}
