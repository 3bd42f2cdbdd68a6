import { PasswordPolicy, parsePasswordList } from './password-policy';

describe('PasswordPolicy', () => {
  const policy = PasswordPolicy.load();

  it('ships a list of about a thousand of the most common passwords', () => {
    expect(policy.size).toBeGreaterThanOrEqual(1000);
  });

  it('refuses common passwords case-insensitively and accepts others', () => {
    for (const p of ['password', 'PASSWORD', 'Password1', 'qwerty123', 'iloveyou', '12345678', 'Sunshine']) {
      expect(policy.problem(p)).toMatch(/common/);
    }
    expect(policy.problem('correct horse battery staple')).toBeUndefined();
    expect(policy.problem('长城长城长城长城')).toBeUndefined();
  });

  it('refuses the username as password', () => {
    expect(policy.problem('Alice_1234', 'alice_1234')).toMatch(/username/);
  });

  it('parses one a line, ignoring blanks and comments', () => {
    expect([...parsePasswordList('# c\nAbc\n\n  def  \r\n')]).toEqual(['abc', 'def']);
  });
});
