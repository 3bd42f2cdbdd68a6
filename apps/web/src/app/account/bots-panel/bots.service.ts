import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import type { BotCreateBody, BotCreated, BotInfo, TokenCreated } from '@hihi/contracts';
import { firstValueFrom } from 'rxjs';

/** Bot accounts (SPEC §9, docs/integrations.md). */
export const BOTS_API = '/api/bots';

@Injectable({ providedIn: 'root' })
export class BotsService {
  private readonly http = inject(HttpClient);

  list(): Promise<BotInfo[]> {
    return firstValueFrom(this.http.get<BotInfo[]>(BOTS_API));
  }

  create(body: BotCreateBody): Promise<BotCreated> {
    return firstValueFrom(this.http.post<BotCreated>(BOTS_API, body));
  }

  rotate(id: string): Promise<TokenCreated> {
    return firstValueFrom(this.http.post<TokenCreated>(`${BOTS_API}/${encodeURIComponent(id)}/token`, {}));
  }

  async remove(id: string): Promise<void> {
    await firstValueFrom(this.http.delete(`${BOTS_API}/${encodeURIComponent(id)}`));
  }
}
