import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import type {
  DeliveriesPage,
  IncomingWebhook,
  IncomingWebhookCreated,
  OutgoingTrigger,
  OutgoingWebhook,
  OutgoingWebhookCreated,
} from '@hihi/contracts';
import { firstValueFrom } from 'rxjs';

const room = (roomId: string): string => `/api/rooms/${encodeURIComponent(roomId)}`;

/** A room's webhooks (SPEC §9, docs/integrations.md). */
@Injectable({ providedIn: 'root' })
export class WebhooksService {
  private readonly http = inject(HttpClient);

  incoming(roomId: string): Promise<IncomingWebhook[]> {
    return firstValueFrom(this.http.get<IncomingWebhook[]>(`${room(roomId)}/webhooks`));
  }

  createIncoming(roomId: string, name: string): Promise<IncomingWebhookCreated> {
    return firstValueFrom(this.http.post<IncomingWebhookCreated>(`${room(roomId)}/webhooks`, { name }));
  }

  async deleteIncoming(roomId: string, id: string): Promise<void> {
    await firstValueFrom(this.http.delete(`${room(roomId)}/webhooks/${encodeURIComponent(id)}`));
  }

  outgoing(roomId: string): Promise<OutgoingWebhook[]> {
    return firstValueFrom(this.http.get<OutgoingWebhook[]>(`${room(roomId)}/outgoing-webhooks`));
  }

  createOutgoing(roomId: string, url: string, trigger: OutgoingTrigger): Promise<OutgoingWebhookCreated> {
    return firstValueFrom(
      this.http.post<OutgoingWebhookCreated>(`${room(roomId)}/outgoing-webhooks`, { url, trigger }),
    );
  }

  async deleteOutgoing(roomId: string, id: string): Promise<void> {
    await firstValueFrom(this.http.delete(`${room(roomId)}/outgoing-webhooks/${encodeURIComponent(id)}`));
  }

  deliveries(roomId: string, id: string): Promise<DeliveriesPage> {
    return firstValueFrom(
      this.http.get<DeliveriesPage>(`${room(roomId)}/outgoing-webhooks/${encodeURIComponent(id)}/deliveries`),
    );
  }
}
