import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { ChatApiService } from './chat-api.service';
import { httpErrorMessage, retryAfterSeconds } from './http-error';
import { HttpErrorResponse, HttpHeaders } from '@angular/common/http';

describe('ChatApiService', () => {
  let api: ChatApiService;
  let http: HttpTestingController;
  beforeEach(() => {
    TestBed.configureTestingModule({ providers: [provideHttpClient(), provideHttpClientTesting()] });
    api = TestBed.inject(ChatApiService);
    http = TestBed.inject(HttpTestingController);
  });

  it('asks for older history with beforeSeq and limit', async () => {
    const page = api.history('room/1', { beforeSeq: 51, limit: 50 });
    const req = http.expectOne((r) => r.url === '/api/rooms/room%2F1/messages');
    expect(req.request.params.get('beforeSeq')).toBe('51');
    expect(req.request.params.get('limit')).toBe('50');
    expect(req.request.params.has('afterSeq')).toBe(false);
    req.flush({ messages: [], hasMore: false });
    expect(await page).toEqual({ messages: [], hasMore: false });
  });

  it('creates rooms and opens DMs with the contract bodies', async () => {
    const room = api.createRoom('奶茶');
    const r1 = http.expectOne('/api/rooms');
    expect(r1.request.method).toBe('POST');
    expect(r1.request.body).toEqual({ name: '奶茶' });
    r1.flush({ id: 'r', name: '奶茶', kind: 'public', unread: 0, lastSeq: 0 });
    await room;
    const dm = api.openDm('bob');
    const r2 = http.expectOne('/api/dms');
    expect(r2.request.body).toEqual({ username: 'bob' });
    r2.flush({ id: 'd', name: 'bob', kind: 'dm', unread: 0, lastSeq: 0 });
    await dm;
  });
});

describe('http-error helpers', () => {
  it('reads the SPEC error shape, joining lists', () => {
    const err = new HttpErrorResponse({
      status: 400,
      error: { statusCode: 400, error: 'Bad Request', message: ['a', 'b'], correlationId: 'c' },
    });
    expect(httpErrorMessage(err)).toBe('a, b');
    expect(httpErrorMessage(new Error('x'))).toBeNull();
  });
  it('reads Retry-After', () => {
    const err = new HttpErrorResponse({ status: 429, headers: new HttpHeaders({ 'Retry-After': '30' }) });
    expect(retryAfterSeconds(err)).toBe(30);
  });
});
