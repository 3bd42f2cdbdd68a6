import { provideHttpClient } from '@angular/common/http';
import { provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { CLIENT_EVENTS, DUCK, type Room, SERVER_EVENTS } from '@hihi/contracts';
import { fakeIoFactory } from '../../../testing/fake-socket';
import { ChatApiService } from '../../core/api/chat-api.service';
import { AccountApi } from '../../core/account/account-api.service';
import { SESSION_STORAGE_KEY } from '../../core/auth/auth.service';
import { IO_FACTORY } from '../../core/socket/socket.service';
import { ChatPage, linkedMessage } from './chat-page';

const rooms: Room[] = [
  { id: 'lobby', name: 'lobby', kind: 'public', unread: 0, lastSeq: 0, memberCount: 1 },
  { id: 'duck-1', name: 'duck', kind: 'bot', unread: 0, lastSeq: 1, memberCount: 1 },
];
/** the notification levels the page set on the server: [roomId, level] */
let levels: [string, string][] = [];
const settle = async () => {
  for (let i = 0; i < 6; i++) await new Promise((r) => setTimeout(r, 0));
};

async function render(guest: boolean, roomList: Room[] = rooms, role?: string) {
  localStorage.clear();
  localStorage.setItem('hihi.lang', 'zh');
  sessionStorage.setItem(
    SESSION_STORAGE_KEY,
    JSON.stringify({
      user: { id: 'u1', username: guest ? 'guest-1' : 'alice', displayName: guest ? '游客' : 'Alice', guest, role },
      accessToken: 'a',
      expiresAt: Date.now() + 600_000,
      remember: false,
      ...(guest ? {} : { refreshToken: 'r' }),
    }),
  );
  const io = fakeIoFactory();
  const api = {
    rooms: vi.fn(async () => (guest ? roomList.filter((r) => r.kind === 'bot') : roomList)),
    members: vi.fn(async () => ({ members: [] })),
    history: vi.fn(),
  };
  TestBed.configureTestingModule({
    providers: [
      provideRouter([]),
      provideHttpClient(),
      provideHttpClientTesting(),
      { provide: IO_FACTORY, useValue: io.factory },
      { provide: ChatApiService, useValue: api },
      {
        provide: AccountApi,
        useValue: {
          setNotifications: vi.fn(async (roomId: string, level: string) => {
            levels.push([roomId, level]);
            return { ...roomList.find((r) => r.id === roomId)!, notifications: level };
          }),
        },
      },
    ],
  });
  levels = [];
  const fixture = TestBed.createComponent(ChatPage);
  const socket = io.sockets[0];
  socket.ackHandler = (event, payload: { roomId: string; text?: string; clientMsgId?: string }) =>
    event === CLIENT_EVENTS.messageSend
      ? {
          ok: true,
          message: {
            id: 'sent-1',
            roomId: payload.roomId,
            seq: 2,
            clientMsgId: payload.clientMsgId,
            sender: { id: 'u1', username: 'alice', displayName: 'Alice' },
            text: payload.text ?? '',
            createdAt: new Date().toISOString(),
          },
        }
      : event === CLIENT_EVENTS.roomJoin
        ? {
            ok: true,
            messages: [
              {
                id: 'g',
                roomId: payload.roomId,
                seq: 1,
                sender: { id: 'duck', username: 'duck', displayName: '小黄鸭', bot: true },
                text: guest ? DUCK.greetingGuest : DUCK.greetingUser,
                createdAt: new Date().toISOString(),
              },
            ],
            online: [],
          }
        : { ok: true };
  socket.simulateConnect();
  await settle();
  await fixture.whenStable();
  return { fixture, el: fixture.nativeElement as HTMLElement, socket };
}

describe('ChatPage', () => {
  it('lands a guest in the duck room with the guest greeting and nothing else', async () => {
    const { el } = await render(true);
    expect(el.querySelectorAll('.room').length).toBe(1);
    expect(el.querySelector('h1')?.textContent).toContain('小黄鸭');
    expect(el.querySelector('.msg__bubble')?.textContent).toContain(DUCK.greetingGuest);
    expect(el.querySelector('hihi-new-chat')).toBeNull();
    expect(el.querySelector('.guest-card')).toBeTruthy();
  });

  it('shows a member the rooms, the lobby and the create-room / DM actions', async () => {
    const { el } = await render(false);
    expect(el.querySelectorAll('.room').length).toBe(2);
    expect(el.querySelector('.room--active')?.textContent).toContain('大厅');
    expect(el.querySelector('hihi-new-chat')).toBeTruthy();
    expect((el.querySelector('textarea') as HTMLTextAreaElement).placeholder).toBe('说点啥吧...');
  });

  it('sends from the composer through the socket with a clientMsgId', async () => {
    const { el, socket, fixture } = await render(false);
    const box = el.querySelector('textarea') as HTMLTextAreaElement;
    box.value = 'hello @duck';
    box.dispatchEvent(new Event('input'));
    box.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', cancelable: true }));
    await settle();
    await fixture.whenStable();
    const sent = socket.emitted.find((e) => e.event === CLIENT_EVENTS.messageSend);
    expect(sent?.payload).toMatchObject({ roomId: 'lobby', text: 'hello @duck' });
    expect((sent?.payload as { clientMsgId: string }).clientMsgId).toBeTruthy();
  });

  it('links server admins and the owner to the admin console, nobody else', async () => {
    for (const [role, shown] of [
      ['admin', true],
      ['owner', true],
      ['moderator', false],
      [undefined, false],
    ] as const) {
      TestBed.resetTestingModule();
      const { el } = await render(false, rooms, role);
      const link = el.querySelector('[data-testid="admin-link"]');
      expect(!!link).toBe(shown);
      if (link) expect(link.getAttribute('href')).toBe('/admin');
    }
  });

  it('offers skip links to the composer and the messages, in the page’s language', async () => {
    const { el, fixture } = await render(false);
    document.body.appendChild(el);
    try {
      const links = Array.from(el.querySelectorAll<HTMLAnchorElement>('.skip-link'));
      expect(links.map((a) => a.textContent?.trim())).toEqual(['跳到输入框', '跳到消息列表']);
      expect(el.querySelector('.skip-links')).toBe(el.firstElementChild);
      links[0].click();
      await fixture.whenStable();
      expect(document.activeElement?.id).toBe('composer-box');
      links[1].click();
      expect(document.activeElement?.getAttribute('role')).toBe('log');
    } finally {
      el.remove();
    }
  });

  it('tells a screen reader about a mention in another room, politely', async () => {
    const { socket, fixture, el } = await render(false);
    socket.fire(SERVER_EVENTS.messageNew, {
      id: 'x2',
      roomId: 'duck-1',
      seq: 2,
      sender: { id: 'duck', username: 'duck', displayName: '小黄鸭', bot: true },
      text: 'hi @alice',
      createdAt: new Date().toISOString(),
    });
    await fixture.whenStable();
    const news = Array.from(el.querySelectorAll('main > [role="status"] p')).map((p) => p.textContent?.trim());
    expect(news.length).toBe(1);
    expect(news[0]).toMatch(/小黄鸭.*(提到了你|条未读)/);
  });

  it('shows the unread total in the tab title', async () => {
    const { socket, fixture } = await render(false);
    socket.fire(SERVER_EVENTS.messageNew, {
      id: 'x1',
      roomId: 'duck-1',
      seq: 2,
      sender: { id: 'duck', username: 'duck', displayName: '小黄鸭', bot: true },
      text: 'quack',
      createdAt: new Date().toISOString(),
    });
    await fixture.whenStable();
    expect(document.title).toBe('(1) Hihi Chat · 嗨嗨聊天室');
  });

  it('asks for notification permission only when the bell is clicked, then cycles the room’s notification level on the server', async () => {
    const original = (globalThis as { Notification?: unknown }).Notification;
    const requestPermission = vi.fn(async () => {
      Fake.permission = 'granted';
      return 'granted';
    });
    class Fake {
      static permission = 'default';
      static requestPermission = requestPermission;
    }
    (globalThis as { Notification?: unknown }).Notification = Fake;
    try {
      const { el, fixture } = await render(false);
      expect(requestPermission).not.toHaveBeenCalled();
      const bell = () => el.querySelector<HTMLButtonElement>('.topbar__bell')!;
      expect(bell().getAttribute('aria-label')).toContain('开启桌面通知');
      bell().click();
      await settle();
      await fixture.whenStable();
      expect(requestPermission).toHaveBeenCalledTimes(1);
      expect(bell().getAttribute('aria-label')).toContain('仅 @提及');
      bell().click();
      await fixture.whenStable();
      expect(bell().getAttribute('aria-label')).toContain('不通知');
      expect(levels).toEqual([['lobby', 'none']]);
    } finally {
      (globalThis as { Notification?: unknown }).Notification = original;
    }
  });

  it('opens a room’s members and settings in a side panel (Esc closes it); an archived room is read-only', async () => {
    const owned: Room = {
      id: 'r7',
      name: 'tea',
      kind: 'private',
      unread: 0,
      lastSeq: 0,
      memberCount: 3,
      role: 'owner',
      archived: true,
      topic: '<b>tea</b> time',
    };
    const { el, fixture } = await render(false, [owned]);
    expect(el.querySelector('.topbar__topic')?.textContent).toContain('<b>tea</b> time');
    expect(el.querySelector('.topbar__topic b')).toBeNull();
    expect(el.querySelector('.archived-note')?.textContent).toContain('已归档');
    expect((el.querySelector('textarea') as HTMLTextAreaElement).disabled).toBe(true);

    const members = el.querySelector('.topbar__members') as HTMLButtonElement;
    members.focus();
    members.click();
    await settle();
    await fixture.whenStable();
    expect(el.querySelector('#side-panel hihi-members-panel')).toBeTruthy();
    expect(members.getAttribute('aria-expanded')).toBe('true');
    expect(document.activeElement?.id).toBe('side-panel-title');
    document.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
    await fixture.whenStable();
    expect(el.querySelector('#side-panel')).toBeNull();
    expect(document.activeElement).toBe(members);

    (el.querySelector('.topbar__settings') as HTMLButtonElement).click();
    await settle();
    await fixture.whenStable();
    expect(el.querySelector('#side-panel hihi-room-settings input[type="checkbox"]')).toBeTruthy();
  });
});

describe('linkedMessage (a notification click opens /chat?room=…&seq=…)', () => {
  it('takes a room id and a positive seq, and ignores what is missing or odd', () => {
    expect(linkedMessage('dm:a:b', '7')).toEqual({ roomId: 'dm:a:b', seq: 7 });
    expect(linkedMessage('lobby', null)).toEqual({ roomId: 'lobby' });
    expect(linkedMessage('lobby', '0')).toEqual({ roomId: 'lobby' });
    expect(linkedMessage('lobby', '-1x')).toEqual({ roomId: 'lobby' });
    expect(linkedMessage(null, '7')).toBeNull();
    expect(linkedMessage('<script>', '7')).toBeNull();
    expect(linkedMessage('x'.repeat(129), '7')).toBeNull();
  });
});
