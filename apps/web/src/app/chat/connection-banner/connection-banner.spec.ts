import { TestBed } from '@angular/core/testing';
import { BACK_BANNER_MS, ConnectionBanner } from './connection-banner';

describe('ConnectionBanner', () => {
  afterEach(() => vi.useRealTimers());

  it('shows reconnecting, then "back" briefly after the connection returns', async () => {
    vi.useFakeTimers();
    localStorage.setItem('hihi.lang', 'en');
    const fixture = TestBed.createComponent(ConnectionBanner);
    const el: HTMLElement = fixture.nativeElement;
    fixture.componentRef.setInput('state', 'connected');
    fixture.detectChanges();
    expect(el.querySelector('.banner')).toBeNull();

    fixture.componentRef.setInput('state', 'reconnecting');
    fixture.detectChanges();
    expect(el.querySelector('.banner--down')?.textContent).toContain('reconnecting');

    fixture.componentRef.setInput('state', 'connected');
    fixture.detectChanges();
    expect(el.querySelector('.banner--back')).toBeTruthy();

    vi.advanceTimersByTime(BACK_BANNER_MS + 10);
    fixture.detectChanges();
    expect(el.querySelector('.banner')).toBeNull();
  });

  it('cut off for flooding: says why, without the "reconnect now" button', () => {
    localStorage.setItem('hihi.lang', 'en');
    const fixture = TestBed.createComponent(ConnectionBanner);
    const el: HTMLElement = fixture.nativeElement;
    fixture.componentRef.setInput('state', 'reconnecting');
    fixture.componentRef.setInput('cutOff', true);
    fixture.detectChanges();
    expect(el.querySelector('[data-testid="cut-off"]')?.textContent).toContain('too fast');
    expect(el.querySelector('button')).toBeNull();
  });

  it('says the room is being rejoined while a join is retried', () => {
    localStorage.setItem('hihi.lang', 'en');
    const fixture = TestBed.createComponent(ConnectionBanner);
    fixture.componentRef.setInput('state', 'connected');
    fixture.componentRef.setInput('rejoining', true);
    fixture.detectChanges();
    expect(fixture.nativeElement.querySelector('.banner--down')?.textContent).toContain('Rejoining the room');
  });

  it('says it is offline while the browser has no network, and stops saying so when it is back', () => {
    localStorage.setItem('hihi.lang', 'en');
    const onLine = vi.spyOn(navigator, 'onLine', 'get').mockReturnValue(false);
    window.dispatchEvent(new Event('offline'));
    const fixture = TestBed.createComponent(ConnectionBanner);
    const el: HTMLElement = fixture.nativeElement;
    fixture.componentRef.setInput('state', 'reconnecting');
    fixture.detectChanges();
    expect(el.querySelector('[data-testid="offline"]')?.textContent).toContain('You are offline');
    onLine.mockReturnValue(true);
    window.dispatchEvent(new Event('online'));
    fixture.detectChanges();
    expect(el.querySelector('[data-testid="offline"]')).toBeNull();
    expect(el.querySelector('.banner--down')?.textContent).toContain('reconnecting');
    onLine.mockRestore();
  });

  it('offers an immediate reconnect', async () => {
    const fixture = TestBed.createComponent(ConnectionBanner);
    let asked = 0;
    fixture.componentInstance.reconnectNow.subscribe(() => asked++);
    fixture.componentRef.setInput('state', 'reconnecting');
    await fixture.whenStable();
    (fixture.nativeElement.querySelector('button') as HTMLButtonElement).click();
    expect(asked).toBe(1);
  });
});
