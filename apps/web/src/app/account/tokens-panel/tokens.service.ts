import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import type { TokenCreateBody, TokenCreated, TokenInfo } from '@hihi/contracts';
import { firstValueFrom } from 'rxjs';

/** Personal access tokens (SPEC §9, docs/integrations.md). */
export const TOKENS_API = '/api/me/tokens';

@Injectable({ providedIn: 'root' })
export class TokensService {
  private readonly http = inject(HttpClient);

  list(): Promise<TokenInfo[]> {
    return firstValueFrom(this.http.get<TokenInfo[]>(TOKENS_API));
  }

  create(body: TokenCreateBody): Promise<TokenCreated> {
    return firstValueFrom(this.http.post<TokenCreated>(TOKENS_API, body));
  }

  async revoke(id: string): Promise<void> {
    await firstValueFrom(this.http.delete(`${TOKENS_API}/${encodeURIComponent(id)}`));
  }
}
