import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { ChatApiService, routeOf } from './chat-api.service';
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

describe('ChatApiService: communities (SPEC §7)', () => {
  let api: ChatApiService;
  let http: HttpTestingController;
  beforeEach(() => {
    TestBed.configureTestingModule({ providers: [provideHttpClient(), provideHttpClientTesting()] });
    api = TestBed.inject(ChatApiService);
    http = TestBed.inject(HttpTestingController);
  });
  afterEach(() => http.verify());

  it('reads each route from the PROTOCOL table, escaping the ids', () => {
    expect(routeOf('memberRemove', { roomId: 'r/1', userId: 'u 2' })).toEqual({
      method: 'DELETE',
      url: '/api/rooms/r%2F1/members/u%202',
    });
    expect(() => routeOf('memberRemove', { roomId: 'r' })).toThrow(/userId/);
    expect(() => routeOf('uploadsSweep')).toThrow(/no REST route/);
  });

  it('creates a private room with a topic, pages the directory and opens a group', async () => {
    const room = api.createRoom('茶话会', { kind: 'private', topic: 'tea' });
    const r1 = http.expectOne({ method: 'POST', url: '/api/rooms' });
    expect(r1.request.body).toEqual({ name: '茶话会', kind: 'private', topic: 'tea' });
    r1.flush({ id: 'r', name: '茶话会', kind: 'private', unread: 0, lastSeq: 0, memberCount: 1, role: 'owner' });
    expect((await room).role).toBe('owner');

    const page = api.directory({ q: 'te', cursor: 'c1', limit: 20 });
    const r2 = http.expectOne((r) => r.url === '/api/rooms/directory');
    expect(r2.request.params.get('q')).toBe('te');
    expect(r2.request.params.get('cursor')).toBe('c1');
    r2.flush({ rooms: [], nextCursor: undefined });
    await page;

    const group = api.openGroup(['bob', 'carol']);
    const r3 = http.expectOne({ method: 'POST', url: '/api/dms' });
    expect(r3.request.body).toEqual({ usernames: ['bob', 'carol'] });
    r3.flush({ id: 'g', name: '', kind: 'group', unread: 0, lastSeq: 0, memberCount: 3 });
    await group;
  });

  it('joins, leaves, lists, invites, removes and changes roles on their routes', async () => {
    const calls: Promise<unknown>[] = [
      api.joinRoom('r1'),
      api.leaveRoom('r1'),
      api.members('r1', { limit: 50 }),
      api.addMember('r1', 'bob'),
      api.removeMember('r1', 'u2'),
      api.setMemberRole('r1', 'u2', 'moderator'),
      api.updateRoom('r1', { topic: '', archived: true }),
    ];
    http.expectOne({ method: 'POST', url: '/api/rooms/r1/join' }).flush({});
    http
      .expectOne({ method: 'POST', url: '/api/rooms/r1/leave' })
      .flush(null, { status: 204, statusText: 'No Content' });
    const list = http.expectOne((r) => r.method === 'GET' && r.url === '/api/rooms/r1/members');
    expect(list.request.params.get('limit')).toBe('50');
    list.flush({ members: [] });
    const add = http.expectOne({ method: 'POST', url: '/api/rooms/r1/members' });
    expect(add.request.body).toEqual({ username: 'bob' });
    add.flush({});
    http.expectOne({ method: 'DELETE', url: '/api/rooms/r1/members/u2' }).flush(null, { status: 204, statusText: '' });
    const role = http.expectOne({ method: 'PATCH', url: '/api/rooms/r1/members/u2' });
    expect(role.request.body).toEqual({ role: 'moderator' });
    role.flush({});
    const patch = http.expectOne({ method: 'PATCH', url: '/api/rooms/r1' });
    expect(patch.request.body).toEqual({ topic: '', archived: true });
    patch.flush({});
    await Promise.all(calls);
  });
});
