import { TestBed } from '@angular/core/testing';
import { OnlineList } from './online-list';

describe('OnlineList', () => {
  it('lists who is online and marks me', async () => {
    localStorage.setItem('hihi.lang', 'zh');
    const fixture = TestBed.createComponent(OnlineList);
    fixture.componentRef.setInput('users', [
      { id: 'u1', username: 'alice', displayName: 'Alice', guest: false },
      { id: 'u2', username: 'bob', displayName: '小明', guest: false },
    ]);
    fixture.componentRef.setInput('meId', 'u1');
    await fixture.whenStable();
    const el: HTMLElement = fixture.nativeElement;
    expect(el.querySelector('h2')?.textContent).toContain('2 人在线');
    expect(el.querySelectorAll('li').length).toBe(2);
    expect(el.querySelectorAll('.online__me').length).toBe(1);
  });

  it('counts everyone online when the list shows only the first ones', async () => {
    localStorage.setItem('hihi.lang', 'zh');
    const fixture = TestBed.createComponent(OnlineList);
    fixture.componentRef.setInput('users', [{ id: 'u1', username: 'alice', displayName: 'Alice', guest: false }]);
    fixture.componentRef.setInput('count', 250);
    await fixture.whenStable();
    expect(fixture.nativeElement.querySelector('h2')?.textContent).toContain('250 人在线');
    expect(fixture.nativeElement.querySelectorAll('li').length).toBe(1);
  });

  it('says when nobody is online', async () => {
    localStorage.setItem('hihi.lang', 'en');
    const fixture = TestBed.createComponent(OnlineList);
    await fixture.whenStable();
    expect(fixture.nativeElement.textContent).toContain('Nobody online');
  });
});
