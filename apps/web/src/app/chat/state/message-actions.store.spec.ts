import { TestBed } from '@angular/core/testing';
import { signal } from '@angular/core';
import { CLIENT_EVENTS, LIMITS, type Message } from '@hihi/contracts';
import { ChatApiService } from '../../core/api/chat-api.service';
import { AuthService } from '../../core/auth/auth.service';
import { SocketService } from '../../core/socket/socket.service';
import { OutboxService } from '../outbox.service';
import { MessageActions, toReplyPreview } from './message-actions.store';
import { RoomsStore } from './rooms.store';
import { ChatStatus } from './status.store';
import { TimelineStore } from './timeline.store';

const me = { id: 'u1', username: 'alice', displayName: 'Alice', guest: false };
const msg = (seq: number, extra: Partial<Message> = {}): Message => ({
  id: `m${seq}`,
  roomId: 'lobby',
  seq,
  sender: { id: 'u2', username: 'bob', displayName: 'Bob', bot: false },
  text: `#${seq}`,
  createdAt: new Date(seq * 1000).toISOString(),
  ...extra,
});

function setup() {
  const answers: unknown[] = [];
  const socket = { request: vi.fn(async () => answers.shift() ?? { ok: true }) };
  const outbox = { send: vi.fn(), retry: vi.fn() };
  TestBed.configureTestingModule({
    providers: [
      RoomsStore,
      ChatStatus,
      TimelineStore,
      MessageActions,
      { provide: SocketService, useValue: socket },
      { provide: OutboxService, useValue: outbox },
      { provide: ChatApiService, useValue: {} },
      { provide: AuthService, useValue: { isGuest: signal(false), user: signal(me) } },
    ],
  });
  TestBed.inject(RoomsStore).activeId.set('lobby');
  const timeline = TestBed.inject(TimelineStore);
  timeline.applyJoin('lobby', [msg(1), msg(2)], true);
  return {
    actions: TestBed.inject(MessageActions),
    timeline,
    socket,
    outbox,
    answers,
    status: TestBed.inject(ChatStatus),
  };
}

describe('MessageActions', () => {
  it('sends a trimmed text with the reply it answers, then forgets the reply', () => {
    const { actions, outbox } = setup();
    actions.startReply(msg(1));
    actions.send('  hi  ');
    expect(outbox.send).toHaveBeenCalledWith('lobby', 'hi', toReplyPreview(msg(1)), []);
    expect(actions.replyingTo()).toBeNull();
    actions.send('   ');
    actions.send('x'.repeat(LIMITS.messageMax + 1));
    expect(outbox.send).toHaveBeenCalledTimes(1);
  });

  it('follows the replied-to message: an edit shows, a deletion or a room change ends the reply', () => {
    const { actions, timeline } = setup();
    actions.startReply(msg(2));
    timeline.applyUpdates([msg(2, { text: 'edited' })]);
    expect(actions.replyingTo()?.text).toBe('edited');
    timeline.applyUpdates([msg(2, { text: '', deleted: true })]);
    expect(actions.replyingTo()).toBeNull();
    actions.startReply(msg(1));
    actions.roomChanged('lobby');
    expect(actions.replyingTo()?.id).toBe('m1');
    actions.roomChanged('r2');
    expect(actions.replyingTo()).toBeNull();
  });

  it('toggles a reaction from what is loaded and applies the answer', async () => {
    const { actions, socket, answers, timeline } = setup();
    timeline.applyUpdates([msg(1, { reactions: [{ emoji: '👍', count: 1, userIds: [me.id] }] })]);
    answers.push({ ok: true, message: msg(1, { reactions: [] }) });
    expect(await actions.react('m1', '👍')).toBe(true);
    expect(socket.request).toHaveBeenLastCalledWith(CLIENT_EVENTS.messageReact, {
      roomId: 'lobby',
      messageId: 'm1',
      emoji: '👍',
      on: false,
    });
    expect(timeline.find('lobby', 'm1')?.reactions).toEqual([]);
    expect(await actions.react('nope', '👍')).toBe(false);
  });

  it('shows a refused edit as a notice', async () => {
    const { actions, answers, status } = setup();
    answers.push({ ok: false, error: { code: 'forbidden', message: 'too late' } });
    expect(await actions.edit('m1', 'new')).toBe(false);
    expect(status.notice()).toContain('too late');
    status.stop();
  });
});
