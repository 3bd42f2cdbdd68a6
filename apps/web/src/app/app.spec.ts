import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { App } from './app';
import { routes } from './app.routes';

describe('App', () => {
  it('renders the router outlet', async () => {
    TestBed.configureTestingModule({ providers: [provideRouter([])] });
    const fixture = TestBed.createComponent(App);
    await fixture.whenStable();
    expect(fixture.nativeElement.querySelector('router-outlet')).toBeTruthy();
  });

  it('guards the chat and keeps sign-in pages for visitors', () => {
    const byPath = Object.fromEntries(routes.map((r) => [r.path, r]));
    expect(byPath['chat'].canActivate?.length).toBe(1);
    expect(byPath['login'].canActivate?.length).toBe(1);
    expect(byPath['register'].canActivate?.length).toBe(1);
    expect(byPath['chat'].title).toBe('Hihi Chat · 嗨嗨聊天室');
  });
});
