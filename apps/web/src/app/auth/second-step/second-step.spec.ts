import { HttpErrorResponse, HttpHeaders } from '@angular/common/http';
import { TestBed } from '@angular/core/testing';
import { SigninService } from '../../core/auth/signin.service';
import { SecondStep } from './second-step';

describe('SecondStep', () => {
  async function render() {
    localStorage.setItem('hihi.lang', 'en');
    const signin = { secondStep: vi.fn() };
    TestBed.configureTestingModule({ providers: [{ provide: SigninService, useValue: signin }] });
    const fixture = TestBed.createComponent(SecondStep);
    fixture.componentRef.setInput('challenge', { mfaRequired: true, mfaToken: 'tok', methods: ['totp', 'recovery'] });
    fixture.componentRef.setInput('remember', true);
    await fixture.whenStable();
    const el = fixture.nativeElement as HTMLElement;
    const type = async (selector: string, value: string) => {
      const input = el.querySelector(selector) as HTMLInputElement;
      input.value = value;
      input.dispatchEvent(new Event('input'));
      await fixture.whenStable();
    };
    const submit = async () => {
      (el.querySelector('form') as HTMLFormElement).dispatchEvent(new Event('submit'));
      await fixture.whenStable();
    };
    return { fixture, el, signin, type, submit };
  }

  it('a labelled one-time-code field; the code goes with the mfaToken and rememberMe', async () => {
    const { fixture, el, signin, type, submit } = await render();
    const input = el.querySelector('#mfa-code') as HTMLInputElement;
    expect(el.querySelector('label[for="mfa-code"]')?.textContent).toContain('Code');
    expect(input.getAttribute('autocomplete')).toBe('one-time-code');
    expect(input.getAttribute('inputmode')).toBe('numeric');
    const done = vi.fn();
    fixture.componentInstance.done.subscribe(done);
    signin.secondStep.mockResolvedValueOnce(undefined);
    await type('#mfa-code', '123456');
    await submit();
    expect(signin.secondStep).toHaveBeenCalledWith({ mfaToken: 'tok', code: '123456' }, true);
    expect(done).toHaveBeenCalled();
  });

  it('a recovery code instead; wrong ones and 429 get a message', async () => {
    const { el, signin, type, submit } = await render();
    (el.querySelectorAll('button[type="button"]')[0] as HTMLButtonElement).click();
    await new Promise((r) => setTimeout(r));
    await type('#mfa-recovery', 'abcd-efgh-ijkl-mnop');
    signin.secondStep.mockRejectedValueOnce(new HttpErrorResponse({ status: 401 }));
    await submit();
    expect(signin.secondStep).toHaveBeenCalledWith({ mfaToken: 'tok', recoveryCode: 'abcd-efgh-ijkl-mnop' }, true);
    expect(el.querySelector('[role="alert"]')?.textContent).toContain('wrong or already used');
    await type('#mfa-recovery', 'abcd-efgh-ijkl-mnop');
    signin.secondStep.mockRejectedValueOnce(
      new HttpErrorResponse({ status: 429, headers: new HttpHeaders({ 'Retry-After': '30' }) }),
    );
    await submit();
    expect(el.querySelector('[role="alert"]')?.textContent).toContain('30');
  });
});
