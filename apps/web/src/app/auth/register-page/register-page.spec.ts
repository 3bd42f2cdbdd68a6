import { HttpErrorResponse } from '@angular/common/http';
import { signal } from '@angular/core';
import { of } from 'rxjs';
import { TestBed } from '@angular/core/testing';
import { FormControl, FormGroup } from '@angular/forms';
import { ActivatedRoute, Router, convertToParamMap, provideRouter } from '@angular/router';
import { AuthService } from '../../core/auth/auth.service';
import { SigninService } from '../../core/auth/signin.service';
import { RegisterPage, passwordsMatch, registrationRefusal, usernameValidator } from './register-page';

describe('register validators', () => {
  it('accepts names of any script and rejects bad ones', () => {
    const check = (v: string) => usernameValidator(new FormControl(v, { nonNullable: true }));
    expect(check('小明同学')).toBeNull();
    expect(check('小明')).toBeNull(); // a Chinese character counts as two toward the minimum of 3
    expect(check('明')).toEqual({ username: true });
    expect(check('alice_01.b-c')).toBeNull();
    expect(check('ab')).toEqual({ username: true });
    expect(check('has space')).toEqual({ username: true });
    expect(check('x'.repeat(33))).toEqual({ username: true });
  });
  it('requires matching passwords', () => {
    const group = (a: string, b: string) =>
      passwordsMatch(new FormGroup({ password: new FormControl(a), confirm: new FormControl(b) }));
    expect(group('abcdefgh', 'abcdefgh')).toBeNull();
    expect(group('abcdefgh', 'abcdefgx')).toEqual({ mismatch: true });
  });
});

describe('RegisterPage', () => {
  async function render(link: { fragment?: string; user?: object; mode?: 'open' | 'invite' | 'closed' } = {}) {
    localStorage.setItem('hihi.lang', 'en');
    const auth = { register: vi.fn().mockResolvedValue({}), user: signal(link.user ?? null) };
    const route = {
      fragment: of(link.fragment ?? null),
      snapshot: { fragment: link.fragment ?? null, queryParamMap: convertToParamMap({}) },
    };
    TestBed.configureTestingModule({
      providers: [
        provideRouter([]),
        { provide: AuthService, useValue: auth },
        { provide: ActivatedRoute, useValue: route },
        {
          provide: SigninService,
          useValue: {
            methods: vi
              .fn()
              .mockResolvedValue({ password: true, registration: true, passkeys: true, registrationMode: link.mode }),
          },
        },
      ],
    });
    const navigate = vi.spyOn(TestBed.inject(Router), 'navigateByUrl').mockResolvedValue(true);
    const fixture = TestBed.createComponent(RegisterPage);
    await fixture.whenStable();
    const el = fixture.nativeElement as HTMLElement;
    const set = (selector: string, value: string) => {
      const input = el.querySelector(selector) as HTMLInputElement;
      input.value = value;
      input.dispatchEvent(new Event('input'));
    };
    const submit = async () => {
      (el.querySelector('form') as HTMLFormElement).dispatchEvent(new Event('submit'));
      await fixture.whenStable();
    };
    return { fixture, el, auth, navigate, set, submit };
  }

  it('registers and opens the chat', async () => {
    const { auth, navigate, set, submit } = await render();
    set('#reg-username', '小明同学');
    set('#reg-display', 'Xiao Ming');
    set('#reg-password', 'correct-horse');
    set('#reg-confirm', 'correct-horse');
    await submit();
    expect(auth.register).toHaveBeenCalledWith({
      username: '小明同学',
      displayName: 'Xiao Ming',
      password: 'correct-horse',
    });
    expect(navigate).toHaveBeenCalledWith('/chat');
  });

  it('refuses mismatching passwords', async () => {
    const { el, auth, set, submit } = await render();
    set('#reg-username', 'alice');
    set('#reg-password', 'correct-horse');
    set('#reg-confirm', 'correct-horsf');
    await submit();
    expect(auth.register).not.toHaveBeenCalled();
    expect(el.textContent).toContain('do not match');
  });

  it('explains a taken username', async () => {
    const { el, auth, set, submit } = await render();
    auth.register.mockRejectedValue(new HttpErrorResponse({ status: 409 }));
    set('#reg-username', 'alice');
    set('#reg-password', 'correct-horse');
    set('#reg-confirm', 'correct-horse');
    await submit();
    expect(el.querySelector('[role="alert"]')?.textContent).toContain('already taken');
  });

  it('an invite link: says so, passes inviteToken, and warns a signed-in member', async () => {
    const { el, auth, set, submit } = await render({
      fragment: 'invite=tok_123',
      user: { id: 'u', username: 'bob', displayName: 'Bob', guest: false },
    });
    expect(el.textContent).toContain('You were invited');
    expect(el.textContent).toContain('You are signed in as Bob');
    set('#reg-username', 'carol');
    set('#reg-password', 'correct-horse');
    set('#reg-confirm', 'correct-horse');
    await submit();
    expect(auth.register).toHaveBeenCalledWith({
      username: 'carol',
      password: 'correct-horse',
      inviteToken: 'tok_123',
    });
  });

  it('registration closed or invite only: the page says so clearly', async () => {
    const { fixture, el, auth, set, submit } = await render();
    auth.register.mockRejectedValue(
      new HttpErrorResponse({ status: 403, error: { message: 'registration on this server needs an invite link' } }),
    );
    set('#reg-username', 'alice');
    set('#reg-password', 'correct-horse');
    set('#reg-confirm', 'correct-horse');
    await submit();
    await fixture.whenStable();
    expect(el.querySelector('[data-testid="register-refused"]')?.textContent).toContain('by invitation only');
    auth.register.mockRejectedValue(
      new HttpErrorResponse({ status: 403, error: { message: 'registration is closed on this server' } }),
    );
    await submit();
    await fixture.whenStable();
    expect(el.querySelector('[data-testid="register-refused"]')?.textContent).toContain('Registration is closed');
  });

  it('tells the refusals apart by the server message', () => {
    expect(registrationRefusal('registration is closed on this server')).toBe('register.closed');
    expect(registrationRefusal('registration on this server needs an invite link')).toBe('register.inviteOnly');
    expect(registrationRefusal('this invite link is not valid (unknown, expired or used up)')).toBe(
      'register.badInvite',
    );
    expect(registrationRefusal('guests cannot register')).toBeNull();
    expect(registrationRefusal(null)).toBeNull();
  });

  it('says up front when registration is closed, or needs an invite and none was given', async () => {
    const closed = await render({ mode: 'closed' });
    await closed.fixture.whenStable();
    expect(closed.el.querySelector('[data-testid="register-refused"]')?.textContent).toContain(
      'Registration is closed',
    );
    TestBed.resetTestingModule();
    const invite = await render({ mode: 'invite' });
    await invite.fixture.whenStable();
    expect(invite.el.querySelector('[data-testid="register-refused"]')?.textContent).toContain('by invitation only');
    TestBed.resetTestingModule();
    const invited = await render({ mode: 'invite', fragment: 'invite=tok' });
    await invited.fixture.whenStable();
    expect(invited.el.querySelector('[data-testid="register-refused"]')).toBeNull();
    expect(invited.el.textContent).toContain('You were invited');
  });
});
