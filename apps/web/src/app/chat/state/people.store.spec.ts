import { TestBed } from '@angular/core/testing';
import { signal } from '@angular/core';
import { ChatApiService } from '../../core/api/chat-api.service';
import { AuthService } from '../../core/auth/auth.service';
import { MembersStore } from './members.store';
import { PeopleStore } from './people.store';
import { PresenceStore } from './presence.store';
import { RoomsStore } from './rooms.store';
import { ChatStatus } from './status.store';
import { TimelineStore } from './timeline.store';

const user = (id: string, displayName = id, guest = false) => ({ id, username: id, displayName, guest });

function setup() {
  const api = {
    members: vi.fn(async () => ({
      members: [
        { user: user('me'), role: 'member' },
        { user: user('bob', 'Bob'), role: 'member' },
        { user: user('bella', '贝拉'), role: 'member' },
        { user: user('guest-1', 'G', true), role: 'member' },
      ],
    })),
  };
  TestBed.configureTestingModule({
    providers: [
      RoomsStore,
      ChatStatus,
      TimelineStore,
      PresenceStore,
      MembersStore,
      PeopleStore,
      { provide: ChatApiService, useValue: api },
      { provide: AuthService, useValue: { isGuest: signal(false), user: signal(user('me')) } },
    ],
  });
  return {
    people: TestBed.inject(PeopleStore),
    presence: TestBed.inject(PresenceStore),
    timeline: TestBed.inject(TimelineStore),
    api,
  };
}

describe('PeopleStore', () => {
  it('fetches the lobby members once and suggests by username, then display name', async () => {
    const { people, api } = setup();
    await Promise.all([people.warm(), people.warm()]);
    expect(api.members).toHaveBeenCalledTimes(1);
    expect(api.members).toHaveBeenCalledWith('lobby', { limit: 100 });
    expect(people.suggest('b').map((p) => p.username)).toEqual(['bella', 'bob']);
    expect(people.suggest('@BO').map((p) => p.username)).toEqual(['bob']);
    expect(people.suggest('贝').map((p) => p.username)).toEqual(['bella']);
    expect(people.suggest('b', ['Bella']).map((p) => p.username)).toEqual(['bob']);
    expect(people.suggest('me')).toEqual([]); // never oneself
    expect(people.suggest('guest')).toEqual([]); // nor guests
    expect(people.suggest('  ')).toEqual([]);
  });

  it('knows who is online and who wrote, without bots', () => {
    const { people, presence, timeline } = setup();
    presence.set('r1', [user('carol')], 1);
    timeline.applyJoin(
      'r1',
      [
        {
          id: 'm1',
          roomId: 'r1',
          seq: 1,
          sender: { id: 'dave', username: 'dave', displayName: 'Dave', bot: false },
          text: 'hi',
          createdAt: '2026-01-01T00:00:00Z',
        },
        {
          id: 'm2',
          roomId: 'r1',
          seq: 2,
          sender: { id: 'duck', username: 'duck', displayName: '小黄鸭', bot: true },
          text: 'quack',
          createdAt: '2026-01-01T00:00:01Z',
        },
      ],
      true,
    );
    expect(
      people
        .known()
        .map((p) => p.username)
        .sort(),
    ).toEqual(['carol', 'dave']);
  });

  it('tries again after a failed fetch', async () => {
    const { people, api } = setup();
    api.members.mockRejectedValueOnce(new Error('down'));
    await people.warm();
    await people.warm();
    expect(api.members).toHaveBeenCalledTimes(2);
  });
});
