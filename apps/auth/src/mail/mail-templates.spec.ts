import { digestMail, escapeHtml, mailLanguage, resetMail, verificationMail } from './mail-templates';

const HOSTILE = '<img src=x onerror=alert(1)> & "quoted"';

describe('mail templates (SPEC §10)', () => {
  it('picks zh for any zh tag, en otherwise', () => {
    expect(mailLanguage('zh-CN')).toBe('zh');
    expect(mailLanguage('zh-Hant-TW')).toBe('zh');
    expect(mailLanguage('ZH')).toBe('zh');
    expect(mailLanguage('en-GB')).toBe('en');
    expect(mailLanguage('zhx')).toBe('en');
    expect(mailLanguage(undefined)).toBe('en');
  });

  it('escapes markup', () => {
    expect(escapeHtml(HOSTILE)).toBe('&#60;img src=x onerror=alert(1)&#62; &#38; &#34;quoted&#34;');
  });

  it('verification: text and HTML carry the link; the name is escaped in HTML only', () => {
    const url = 'https://chat.example.com/verify-email#token=abc';
    const en = verificationMail('en', HOSTILE, url, 24);
    expect(en.subject).toContain('Confirm your email address');
    expect(en.text).toContain(url);
    expect(en.text).toContain(HOSTILE);
    expect(en.text).toContain('24 hours');
    expect(en.html).toContain(escapeHtml(url));
    expect(en.html).not.toContain('<img');
    expect(en.html).toContain('&#60;img');
    const zh = verificationMail('zh', '小明', url, 24);
    expect(zh.subject).toContain('请确认你的邮箱地址');
    expect(zh.html).toContain('lang="zh-CN"');
    expect(zh.text).toContain('小明');
  });

  it('reset: both languages, with the expiry', () => {
    const url = 'https://chat.example.com/reset#token=xyz';
    expect(resetMail('en', 'bob', url, 30).text).toMatch(/30 minutes/);
    expect(resetMail('zh', 'bob', url, 30).text).toMatch(/30 分钟/);
    expect(resetMail('zh', 'bob', url, 30).html).toContain(escapeHtml(url));
  });

  it('digest: one mail for many items, each escaped, with the unsubscribe link in both parts', () => {
    const items = [
      {
        roomName: HOSTILE,
        reason: 'dm' as const,
        sender: 'alice',
        excerpt: '<b>hi</b>',
        url: 'https://c.example/chat?room=r1&msg=m1',
      },
      {
        roomName: 'team',
        reason: 'mention' as const,
        sender: HOSTILE,
        excerpt: 'ping @bob',
        url: 'https://c.example/chat?room=r2',
      },
    ];
    const links = { open: 'https://c.example/chat', unsubscribe: 'https://c.example/unsubscribe#token=u' };
    const en = digestMail('en', 'bob', items, links);
    expect(en.subject).toContain('2 unread messages');
    expect(en.text).toContain('<b>hi</b>');
    expect(en.text).toContain(links.unsubscribe);
    expect(en.html).not.toMatch(/<b>hi|<img/);
    expect(en.html).toContain('&#60;b&#62;hi');
    expect(en.html).toContain('room=r1&#38;msg=m1');
    expect(en.html).toContain(escapeHtml(links.unsubscribe));
    const zh = digestMail('zh', 'bob', items.slice(0, 1), links);
    expect(zh.subject).toContain('1 条未读消息');
    expect(zh.text).toContain('私信');
    expect(zh.text).toContain('不再接收这类邮件');
  });

  it('digest: unread messages beyond the list are counted in the subject and named in both parts', () => {
    const item = { roomName: 'r', reason: 'dm' as const, sender: 'a', excerpt: 'x', url: 'https://c.example/chat' };
    const links = { open: 'https://c.example/chat', unsubscribe: 'https://c.example/u' };
    const en = digestMail('en', 'bob', [item], links, 4);
    expect(en.subject).toContain('5 unread messages');
    expect(en.text).toContain('and 4 more unread messages');
    expect(en.html).toContain('and 4 more unread messages');
    expect(digestMail('zh', 'bob', [item], links, 2).text).toContain('还有 2 条未读消息');
    expect(digestMail('en', 'bob', [item], links).text).not.toContain('more unread');
  });
});
