import { HttpClient, HttpParams } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import type {
  CreateRoomBody,
  HistoryPage,
  HistoryQuery,
  OpenDmBody,
  Room,
  SearchQuery,
  SearchReply,
} from '@hihi/contracts';
import { firstValueFrom } from 'rxjs';

/** REST calls of the chat (SPEC §4). The auth interceptor adds the bearer token. */
@Injectable({ providedIn: 'root' })
export class ChatApiService {
  private readonly http = inject(HttpClient);

  rooms(): Promise<Room[]> {
    return firstValueFrom(this.http.get<Room[]>('/api/rooms'));
  }

  createRoom(name: string): Promise<Room> {
    const body: CreateRoomBody = { name };
    return firstValueFrom(this.http.post<Room>('/api/rooms', body));
  }

  openDm(username: string): Promise<Room> {
    const body: OpenDmBody = { username };
    return firstValueFrom(this.http.post<Room>('/api/dms', body));
  }

  history(roomId: string, query: HistoryQuery = {}): Promise<HistoryPage> {
    let params = new HttpParams();
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined && value !== null) params = params.set(key, String(value));
    }
    return firstValueFrom(this.http.get<HistoryPage>(`/api/rooms/${encodeURIComponent(roomId)}/messages`, { params }));
  }

  /** GET /api/search: messages of the rooms the caller can see, newest first (docs/api.md "Search"). */
  search(query: SearchQuery): Promise<SearchReply> {
    let params = new HttpParams();
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined && value !== null && value !== '') params = params.set(key, String(value));
    }
    return firstValueFrom(this.http.get<SearchReply>('/api/search', { params }));
  }
}
