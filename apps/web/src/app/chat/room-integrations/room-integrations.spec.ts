import { Component, signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { RoomIntegrations } from './room-integrations';
import { WebhooksService } from './webhooks.service';

@Component({
  selector: 'hihi-host',
  imports: [RoomIntegrations],
  template: '<hihi-room-integrations [roomId]="roomId()" />',
})
class Host {
  readonly roomId = signal('r1');
}

describe('RoomIntegrations', () => {
  async function render() {
    localStorage.setItem('hihi.lang', 'en');
    const hooks = {
      incoming: vi
        .fn()
        .mockResolvedValue([
          { id: 'h1', roomId: 'r1', name: '<i>CI</i>', createdBy: 'u1', createdAt: '2026-12-01T00:00:00Z' },
        ]),
      outgoing: vi.fn().mockResolvedValue([
        {
          id: 'o1',
          roomId: 'r1',
          url: 'https://ci.example/hook',
          trigger: { words: ['deploy'] },
          createdBy: 'u1',
          createdAt: '2026-12-01T00:00:00Z',
        },
      ]),
      createIncoming: vi.fn().mockResolvedValue({ id: 'h2', url: 'https://chat.example/api/hooks/h2/secret' }),
      deleteIncoming: vi.fn().mockResolvedValue(undefined),
      createOutgoing: vi.fn().mockResolvedValue({ id: 'o2', secret: 's'.repeat(43) }),
      deleteOutgoing: vi.fn().mockResolvedValue(undefined),
      deliveries: vi.fn().mockResolvedValue({
        deliveries: [
          {
            id: '2',
            hookId: 'o1',
            messageId: 'm',
            attempt: 2,
            ok: true,
            status: 200,
            latencyMs: 40,
            at: '2026-12-01T00:00:02Z',
          },
          {
            id: '1',
            hookId: 'o1',
            messageId: 'm',
            attempt: 1,
            ok: false,
            status: 500,
            latencyMs: 12,
            error: 'the receiver answered 500',
            at: '2026-12-01T00:00:01Z',
          },
        ],
      }),
    };
    TestBed.configureTestingModule({ providers: [{ provide: WebhooksService, useValue: hooks }] });
    const fixture = TestBed.createComponent(Host);
    const settle = async () => {
      await fixture.whenStable();
      await new Promise((r) => setTimeout(r));
      await fixture.whenStable();
    };
    await settle();
    return { fixture, el: fixture.nativeElement as HTMLElement, hooks, settle };
  }
  const button = (el: HTMLElement, text: string) =>
    [...el.querySelectorAll('button')].find((b) => b.textContent?.trim() === text) as HTMLButtonElement;

  it('lists the room’s hooks, names as text', async () => {
    const { el } = await render();
    const li = el.querySelector('[data-testid="incoming-hooks"] li')!;
    expect(li.textContent).toContain('<i>CI</i>');
    expect(li.querySelector('i')).toBeNull();
    expect(el.querySelector('[data-testid="outgoing-hooks"]')?.textContent).toContain('messages with a word: deploy');
  });

  it('creates an incoming hook and shows its URL once', async () => {
    const { el, hooks, settle } = await render();
    const name = el.querySelector('#hook-name') as HTMLInputElement;
    name.value = 'Grafana';
    name.dispatchEvent(new Event('input'));
    name.form!.dispatchEvent(new Event('submit'));
    await vi.waitFor(async () => {
      await settle();
      expect((el.querySelector('[data-testid="hook-secret"]') as HTMLInputElement)?.value).toBe(
        'https://chat.example/api/hooks/h2/secret',
      );
    });
    expect(hooks.createIncoming).toHaveBeenCalledWith('r1', 'Grafana');
    button(el, 'I have saved it').click();
    await settle();
    expect(el.querySelector('[data-testid="hook-secret"]')).toBeNull();
  });

  it('creates an outgoing hook with trigger words; shows its delivery log; deletes', async () => {
    const { el, hooks, settle } = await render();
    const url = el.querySelector('#hook-url') as HTMLInputElement;
    url.value = 'https://bot.example/in';
    url.dispatchEvent(new Event('input'));
    const trigger = el.querySelector('#hook-trigger') as HTMLSelectElement;
    trigger.value = 'words';
    trigger.dispatchEvent(new Event('change'));
    await settle();
    const words = el.querySelector('#hook-words') as HTMLInputElement;
    words.value = 'deploy  build';
    words.dispatchEvent(new Event('input'));
    url.form!.dispatchEvent(new Event('submit'));
    await vi.waitFor(() =>
      expect(hooks.createOutgoing).toHaveBeenCalledWith('r1', 'https://bot.example/in', { words: ['deploy', 'build'] }),
    );
    (el.querySelector('button[aria-label="Deliveries of https://ci.example/hook"]') as HTMLButtonElement).click();
    await vi.waitFor(async () => {
      await settle();
      expect(el.querySelectorAll('[data-testid="delivery-log"] li')).toHaveLength(2);
    });
    expect(el.querySelector('[data-testid="delivery-log"]')?.textContent).toContain('the receiver answered 500');
    (el.querySelector('button[aria-label="Delete webhook <i>CI</i>"]') as HTMLButtonElement).click();
    await vi.waitFor(() => expect(hooks.deleteIncoming).toHaveBeenCalledWith('r1', 'h1'));
  });
});
