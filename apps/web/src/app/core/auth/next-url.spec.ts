import { rememberNext, safeNext, takeNext } from './next-url';

describe('next-url', () => {
  beforeEach(() => sessionStorage.clear());

  it('accepts a path of this app, with its query and fragment', () => {
    expect(safeNext('/chat?room=r1&msg=m1&seq=3')).toBe('/chat?room=r1&msg=m1&seq=3');
    expect(safeNext('/security#passkeys')).toBe('/security#passkeys');
  });

  it('refuses other sites, odd forms and the sign-in pages', () => {
    for (const bad of [
      'https://evil.example/chat',
      '//evil.example/chat',
      '/\\evil.example',
      'javascript:alert(1)',
      'chat',
      '/',
      '/login?next=/chat',
      '/register',
      '/reset#token=x',
      '/chat\n',
      '/' + 'a'.repeat(3000),
      null,
      undefined,
    ])
      expect(safeNext(bad as string)).toBeNull();
    // an encoded backslash is a path of this app (the router shows the chat)
    expect(safeNext('/%5Cevil')).toBe('/%5Cevil');
  });

  it('is kept once for after the sign-in', () => {
    rememberNext('/chat?room=r1');
    expect(takeNext()).toBe('/chat?room=r1');
    expect(takeNext()).toBeNull();
    rememberNext('//evil.example');
    expect(takeNext()).toBeNull();
  });
});
