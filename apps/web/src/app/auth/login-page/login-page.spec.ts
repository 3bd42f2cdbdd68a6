import { HttpErrorResponse, HttpHeaders } from '@angular/common/http';
import { TestBed } from '@angular/core/testing';
import { Router, provideRouter } from '@angular/router';
import { AuthService } from '../../core/auth/auth.service';
import { SigninService } from '../../core/auth/signin.service';
import { LoginPage } from './login-page';

describe('LoginPage', () => {
  async function render(guests?: boolean) {
    localStorage.setItem('hihi.lang', 'zh');
    const auth = {
      login: vi.fn().mockResolvedValue({}),
      guest: vi.fn().mockResolvedValue({}),
      homeAfterSignIn: vi.fn(() => '/chat'),
    };
    const signin = {
      methods: vi.fn().mockResolvedValue({ password: true, registration: true, passkeys: true, guests }),
      passkeysSupported: () => false,
      ssoExchange: vi.fn(),
      secondStep: vi.fn(),
    };
    TestBed.configureTestingModule({
      providers: [
        provideRouter([]),
        { provide: AuthService, useValue: auth },
        { provide: SigninService, useValue: signin },
      ],
    });
    const navigate = vi.spyOn(TestBed.inject(Router), 'navigateByUrl').mockResolvedValue(true);
    const fixture = TestBed.createComponent(LoginPage);
    await fixture.whenStable();
    const el = fixture.nativeElement as HTMLElement;
    const set = (selector: string, value: string) => {
      const input = el.querySelector(selector) as HTMLInputElement;
      input.value = value;
      input.dispatchEvent(new Event('input'));
    };
    return { fixture, el, auth, signin, navigate, set };
  }

  it('with 2FA on, asks for the code instead of opening the chat, then signs in with it', async () => {
    const { fixture, el, auth, signin, navigate, set } = await render();
    auth.login.mockResolvedValueOnce({ mfaRequired: true, mfaToken: 'tok', methods: ['totp', 'recovery'] });
    set('#login-username', 'alice');
    set('#login-password', 'secret-pass');
    (el.querySelector('form') as HTMLFormElement).dispatchEvent(new Event('submit'));
    await fixture.whenStable();
    expect(navigate).not.toHaveBeenCalled();
    expect(el.querySelector('label[for="mfa-code"]')?.textContent).toContain('验证码');
    expect((el.querySelector('#login-password')!.closest('form') as HTMLFormElement).hidden).toBe(true);
    signin.secondStep.mockResolvedValueOnce(undefined);
    set('#mfa-code', '123 456');
    (el.querySelector('hihi-second-step form') as HTMLFormElement).dispatchEvent(new Event('submit'));
    await fixture.whenStable();
    expect(signin.secondStep).toHaveBeenCalledWith({ mfaToken: 'tok', code: '123456' }, false);
    expect(navigate).toHaveBeenCalledWith('/chat');
  });

  it('a sign-in asked to enrol a second factor (require2fa) lands on the security page', async () => {
    const { fixture, el, auth, navigate, set } = await render();
    auth.homeAfterSignIn.mockReturnValue('/security?enrol=1');
    set('#login-username', 'boss');
    set('#login-password', 'secret-pass');
    (el.querySelector('form') as HTMLFormElement).dispatchEvent(new Event('submit'));
    await fixture.whenStable();
    expect(navigate).toHaveBeenCalledWith('/security?enrol=1');
  });

  it('has labelled username and password fields, remember me, register link and the duck button', async () => {
    const { el } = await render();
    expect(el.querySelector('label[for="login-username"]')?.textContent).toContain('用户名');
    expect(el.querySelector('label[for="login-password"]')?.textContent).toContain('密码');
    expect(el.querySelector('input[type="checkbox"]')).toBeTruthy();
    expect(el.textContent).toContain('记住我');
    expect(el.querySelector('a[href="/register"]')).toBeTruthy();
    expect(el.querySelector('.btn--duck')?.textContent).toContain('先和小黄鸭聊聊');
    expect(el.querySelector('a[href="/forgot"]')?.textContent).toContain('忘记密码');
  });

  it('signs in with remember me and opens the chat', async () => {
    const { fixture, el, auth, navigate, set } = await render();
    set('#login-username', ' alice ');
    set('#login-password', 'secret-pass');
    (el.querySelector('input[type="checkbox"]') as HTMLInputElement).click();
    (el.querySelector('form') as HTMLFormElement).dispatchEvent(new Event('submit'));
    await fixture.whenStable();
    expect(auth.login).toHaveBeenCalledWith('alice', 'secret-pass', true);
    expect(navigate).toHaveBeenCalledWith('/chat');
  });

  it('does not submit an empty form', async () => {
    const { fixture, el, auth } = await render();
    (el.querySelector('form') as HTMLFormElement).dispatchEvent(new Event('submit'));
    await fixture.whenStable();
    expect(auth.login).not.toHaveBeenCalled();
    expect(el.querySelectorAll('.field__error').length).toBe(2);
  });

  it('shows one message for a wrong username or password, and the wait on 429', async () => {
    const { fixture, el, auth, set } = await render();
    set('#login-username', 'alice');
    set('#login-password', 'nope-nope');
    auth.login.mockRejectedValueOnce(new HttpErrorResponse({ status: 401 }));
    (el.querySelector('form') as HTMLFormElement).dispatchEvent(new Event('submit'));
    await fixture.whenStable();
    expect(el.querySelector('[role="alert"]')?.textContent).toContain('用户名或密码不正确');

    auth.login.mockRejectedValueOnce(
      new HttpErrorResponse({ status: 429, headers: new HttpHeaders({ 'Retry-After': '42' }) }),
    );
    (el.querySelector('form') as HTMLFormElement).dispatchEvent(new Event('submit'));
    await fixture.whenStable();
    expect(el.querySelector('[role="alert"]')?.textContent).toContain('42');
  });

  it('lets a visitor chat with the duck as a guest', async () => {
    const { fixture, el, auth, navigate } = await render();
    (el.querySelector('.btn--duck') as HTMLButtonElement).click();
    await fixture.whenStable();
    expect(auth.guest).toHaveBeenCalled();
    expect(navigate).toHaveBeenCalledWith('/chat');
  });

  it('guests off (admin settings): no duck button; on or unknown: there', async () => {
    const off = await render(false);
    await off.fixture.whenStable();
    expect(off.el.querySelector('.btn--duck')).toBeNull();
    TestBed.resetTestingModule();
    const on = await render(true);
    await on.fixture.whenStable();
    expect(on.el.querySelector('.btn--duck')).toBeTruthy();
  });
});
