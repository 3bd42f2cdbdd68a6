import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { isValidUsername, usernameWidth } from '@hihi/contracts';
import { strictValidationPipe } from './validation';
import { GuestDto, isReservedUsername, LoginDto, normalizeUsername, RefreshDto, RegisterDto } from './auth.dto';

function errors<T extends object>(cls: new () => T, plain: unknown): string[] {
  const o = plainToInstance(cls, plain);
  return validateSync(o as object, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true }).flatMap(
    (e) => Object.values(e.constraints ?? {}),
  );
}

describe('usernames', () => {
  it('normalise with NFKC and lower case', () => {
    expect(normalizeUsername('Alice')).toBe('alice');
    expect(normalizeUsername('ＡＬＩＣＥ')).toBe('alice');
    expect(normalizeUsername('小明')).toBe('小明');
  });

  it('are 3-32 letters of any script, digits, _ . - (a Chinese character counts two toward the minimum)', () => {
    for (const ok of ['abc', '小明', 'Ωμέγα', 'a.b-c_d', '名'.repeat(32), 'x'.repeat(32), 'ユーザー'])
      expect(isValidUsername(ok)).toBe(true);
    for (const bad of ['ab', '明', 'x'.repeat(33), 'a b', 'a@b', '<b>', '', 'tab\tx', 'emoji😀', 42, null])
      expect(isValidUsername(bad)).toBe(false);
    expect(usernameWidth('小明a')).toBe(5);
  });

  it('bot names (normalised) and the guest prefix are reserved', () => {
    for (const n of ['duck', 'DUCK', 'ｄｕｃｋ', '小黄鸭', 'Bot', 'guest-abc'])
      expect(isReservedUsername(n)).toBe(true);
    expect(isReservedUsername('duckling')).toBe(false);
  });
});

describe('auth DTOs', () => {
  it('RegisterDto: valid input passes, displayName trimmed', () => {
    const o = plainToInstance(RegisterDto, {
      username: '小明',
      password: 'a long passphrase',
      displayName: '  Ming  ',
    });
    expect(validateSync(o)).toHaveLength(0);
    expect(o.displayName).toBe('Ming');
  });

  it('refuse operator objects, arrays and wrong types', () => {
    for (const v of [{ $ne: null }, { $gt: '' }, { $regex: '.*' }, ['a'], 1, true, null]) {
      expect(errors(LoginDto, { username: v, password: 'abcdefgh' }).length).toBeGreaterThan(0);
      expect(errors(LoginDto, { username: 'abc', password: v }).length).toBeGreaterThan(0);
      expect(errors(RegisterDto, { username: v, password: 'abcdefghij' }).length).toBeGreaterThan(0);
      expect(errors(RefreshDto, { refreshToken: v }).length).toBeGreaterThan(0);
    }
  });

  it('refuse control characters in display names and nicknames', () => {
    expect(
      errors(RegisterDto, { username: 'abc', password: 'abcdefghij', displayName: 'a\u0000b' }).length,
    ).toBeGreaterThan(0);
    expect(errors(GuestDto, { nickname: 'x\u202Ey' }).length).toBeGreaterThan(0);
    expect(errors(GuestDto, {})).toHaveLength(0);
  });

  it('the strict pipe refuses __proto__ / constructor keys before transforming', async () => {
    const pipe = strictValidationPipe();
    const meta = { type: 'body' as const, metatype: LoginDto, data: '' };
    await expect(
      pipe.transform(JSON.parse('{"username":"abc","password":"abcdefgh","__proto__":{"x":1}}'), meta),
    ).rejects.toThrow();
    await expect(
      pipe.transform({ username: 'abc', password: 'abcdefgh', constructor: { prototype: {} } }, meta),
    ).rejects.toThrow();
    await expect(pipe.transform({ username: 'abc', password: 'abcdefgh', extra: 1 }, meta)).rejects.toThrow();
    await expect(pipe.transform({ username: 'abc', password: 'abcdefgh' }, meta)).resolves.toBeInstanceOf(LoginDto);
  });
});
