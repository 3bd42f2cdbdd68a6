import { Inject, Injectable, Logger } from '@nestjs/common';
import { CHAT_PATTERNS, PublicUser } from '@hihi/contracts';
import { BusClient } from '@hihi/common/bus';
import { CHAT_BUS } from '../bus/bus.module';

/**
 * Tells chat about a user who signed up, signed in, refreshed or arrived as a guest: chat keeps
 * its users projection current and creates the duck room with its greeting then — once, not
 * inside a read. A failure is logged and never fails the sign-in (the next one provisions).
 */
@Injectable()
export class ChatProvisioner {
  private readonly logger = new Logger('ChatProvisioner');

  constructor(@Inject(CHAT_BUS) private readonly chat: BusClient) {}

  async provision<T extends { user: PublicUser }>(tokens: T, correlationId: string): Promise<T> {
    const res = await this.chat.call(CHAT_PATTERNS.provision, {}, { correlationId, actor: tokens.user });
    if (!res.ok) this.logger.warn(`provisioning ${tokens.user.id} in chat failed: ${res.error.message}`);
    return tokens;
  }
}
