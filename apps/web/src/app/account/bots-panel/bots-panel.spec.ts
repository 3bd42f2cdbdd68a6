import { TestBed } from '@angular/core/testing';
import { BotsPanel } from './bots-panel';
import { BotsService } from './bots.service';

describe('BotsPanel', () => {
  async function render() {
    localStorage.setItem('hihi.lang', 'en');
    const bot = {
      id: 'b'.repeat(24),
      username: 'ci-bot',
      displayName: 'CI <bot>',
      bot: true,
      ownerId: 'u',
      createdAt: '',
    };
    const bots = {
      list: vi.fn().mockResolvedValue([bot]),
      create: vi.fn().mockResolvedValue({
        bot: { ...bot, id: 'c'.repeat(24), displayName: 'Deploy' },
        token: 'hihi_bot_' + 'y'.repeat(43),
      }),
      rotate: vi.fn().mockResolvedValue({ id: 't', token: 'hihi_bot_' + 'z'.repeat(43) }),
      remove: vi.fn().mockResolvedValue(undefined),
    };
    TestBed.configureTestingModule({ providers: [{ provide: BotsService, useValue: bots }] });
    const fixture = TestBed.createComponent(BotsPanel);
    const settle = async () => {
      await fixture.whenStable();
      await new Promise((r) => setTimeout(r));
      await fixture.whenStable();
    };
    await settle();
    return { fixture, el: fixture.nativeElement as HTMLElement, bots, settle };
  }

  it('lists bots as text and creates one, showing its token once', async () => {
    const { el, bots, settle } = await render();
    expect(el.querySelector('[data-testid="bots"]')?.textContent).toContain('CI <bot>');
    const u = el.querySelector('#bot-username') as HTMLInputElement;
    u.value = 'deploy';
    u.dispatchEvent(new Event('input'));
    const d = el.querySelector('#bot-display') as HTMLInputElement;
    d.value = 'Deploy';
    d.dispatchEvent(new Event('input'));
    u.form!.dispatchEvent(new Event('submit'));
    await vi.waitFor(async () => {
      await settle();
      expect((el.querySelector('[data-testid="bot-token"]') as HTMLInputElement)?.value).toMatch(/^hihi_bot_y/);
    });
    expect(bots.create).toHaveBeenCalledWith({ username: 'deploy', displayName: 'Deploy' });
  });

  it('gives a bot a new token and deletes one, by their labelled buttons', async () => {
    const { el, bots, settle } = await render();
    (el.querySelector('button[aria-label="Give CI <bot> a new token"]') as HTMLButtonElement).click();
    await vi.waitFor(async () => {
      await settle();
      expect((el.querySelector('[data-testid="bot-token"]') as HTMLInputElement)?.value).toMatch(/^hihi_bot_z/);
    });
    (el.querySelector('button[aria-label="Delete bot CI <bot>"]') as HTMLButtonElement).click();
    await vi.waitFor(() => expect(bots.remove).toHaveBeenCalledWith('b'.repeat(24)));
  });
});
