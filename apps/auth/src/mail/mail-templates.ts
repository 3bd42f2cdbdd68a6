/**
 * The mails auth sends (SPEC §10): each one a subject, a text part and an HTML part, in the
 * person's language (zh or en). Everything that comes from people (names, message excerpts, room
 * names) is escaped in the HTML part; links are built by the caller from PUBLIC_ORIGIN only.
 */
import type { MailLanguage } from '@hihi/contracts';
export { MAIL_LANGUAGES, type MailLanguage } from '@hihi/contracts';

/** `zh`, `zh-CN`, `zh-Hant-TW` … → zh; anything else (or nothing) → en. */
export function mailLanguage(tag: string | undefined | null): MailLanguage {
  return tag && /^zh\b/i.test(tag.trim()) ? 'zh' : 'en';
}

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

/** HTML-escape text from people (and anything else put into the HTML part). */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** One unread item of a digest. */
export interface DigestItem {
  roomName: string;
  /** dm, group, mention (why it is in the digest) */
  reason: 'dm' | 'group' | 'mention';
  sender: string;
  excerpt: string;
  /** absolute link to the message */
  url: string;
}

const TEXT = {
  en: {
    product: 'Hihi Chat',
    verifySubject: 'Confirm your email address',
    verifyIntro: (name: string) => `Hello ${name}, please confirm that this address is yours:`,
    verifyButton: 'Confirm address',
    verifyExpiry: (h: number) => `The link works once, for ${h} hours. If you did not ask for it, ignore this mail.`,
    resetSubject: 'Reset your password',
    resetIntro: (name: string) => `Hello ${name}, someone (hopefully you) asked to reset your password:`,
    resetButton: 'Choose a new password',
    resetExpiry: (m: number) =>
      `The link works once, for ${m} minutes, and signs you out everywhere. If you did not ask for it, ignore this mail: your password stays as it is.`,
    digestSubject: (n: number) => (n === 1 ? '1 unread message' : `${n} unread messages`),
    digestIntro: (name: string) => `Hello ${name}, this is waiting for you:`,
    reasons: { dm: 'direct message', group: 'group', mention: 'mentioned you' },
    digestMore: (n: number) => (n === 1 ? '… and 1 more unread message' : `… and ${n} more unread messages`),
    digestOpen: 'Open Hihi Chat',
    unsubscribe: 'Stop these emails',
    unsubscribeNote: 'You get this mail because you turned on email digests in your profile.',
  },
  zh: {
    product: '嗨嗨聊天室',
    verifySubject: '请确认你的邮箱地址',
    verifyIntro: (name: string) => `${name}，你好！请确认这个邮箱地址属于你：`,
    verifyButton: '确认邮箱',
    verifyExpiry: (h: number) => `链接只能使用一次，${h} 小时内有效。如果不是你本人的操作，请忽略这封邮件。`,
    resetSubject: '重置你的密码',
    resetIntro: (name: string) => `${name}，你好！有人（希望是你）请求重置你的密码：`,
    resetButton: '设置新密码',
    resetExpiry: (m: number) =>
      `链接只能使用一次，${m} 分钟内有效，使用后所有设备都会退出登录。如果不是你本人的操作，请忽略这封邮件，你的密码不会改变。`,
    digestSubject: (n: number) => `${n} 条未读消息`,
    digestIntro: (name: string) => `${name}，你好！以下消息正在等你：`,
    reasons: { dm: '私信', group: '群组', mention: '提到了你' },
    digestMore: (n: number) => `……还有 ${n} 条未读消息`,
    digestOpen: '打开嗨嗨聊天室',
    unsubscribe: '不再接收这类邮件',
    unsubscribeNote: '你收到这封邮件，是因为你在个人资料中开启了邮件摘要。',
  },
} as const;

function page(lang: MailLanguage, title: string, body: string): string {
  return [
    '<!doctype html>',
    `<html lang="${lang === 'zh' ? 'zh-CN' : 'en'}"><head><meta charset="utf-8">`,
    `<meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(title)}</title></head>`,
    '<body style="margin:0;padding:24px;background:#f6f6f4;font-family:system-ui,sans-serif;color:#1d1d1b">',
    '<div style="max-width:560px;margin:0 auto;background:#fff;border-radius:8px;padding:24px">',
    `<p style="margin:0 0 16px;font-weight:600">${escapeHtml(TEXT[lang].product)}</p>`,
    body,
    '</div></body></html>',
  ].join('');
}

function button(url: string, label: string): string {
  return `<p><a href="${escapeHtml(url)}" style="display:inline-block;background:#1d5fbf;color:#fff;padding:10px 16px;border-radius:6px;text-decoration:none">${escapeHtml(label)}</a></p><p style="font-size:13px;color:#555;word-break:break-all">${escapeHtml(url)}</p>`;
}

export function verificationMail(lang: MailLanguage, name: string, url: string, ttlHours: number): RenderedMail {
  const t = TEXT[lang];
  return {
    subject: `${t.verifySubject} · ${t.product}`,
    text: `${t.verifyIntro(name)}\n\n${url}\n\n${t.verifyExpiry(ttlHours)}\n`,
    html: page(
      lang,
      t.verifySubject,
      `<p>${escapeHtml(t.verifyIntro(name))}</p>${button(url, t.verifyButton)}<p>${escapeHtml(t.verifyExpiry(ttlHours))}</p>`,
    ),
  };
}

export function resetMail(lang: MailLanguage, name: string, url: string, ttlMinutes: number): RenderedMail {
  const t = TEXT[lang];
  return {
    subject: `${t.resetSubject} · ${t.product}`,
    text: `${t.resetIntro(name)}\n\n${url}\n\n${t.resetExpiry(ttlMinutes)}\n`,
    html: page(
      lang,
      t.resetSubject,
      `<p>${escapeHtml(t.resetIntro(name))}</p>${button(url, t.resetButton)}<p>${escapeHtml(t.resetExpiry(ttlMinutes))}</p>`,
    ),
  };
}

/** `more`: unread messages beyond `items` (counted in the subject, named in a line after the list). */
export function digestMail(
  lang: MailLanguage,
  name: string,
  items: DigestItem[],
  links: { open: string; unsubscribe: string },
  more = 0,
): RenderedMail {
  const t = TEXT[lang];
  const total = items.length + more;
  const line = (i: DigestItem) => `${i.sender} · ${i.roomName} (${t.reasons[i.reason]}): ${i.excerpt}`;
  const text = [
    t.digestIntro(name),
    '',
    ...items.map((i) => `- ${line(i)}\n  ${i.url}`),
    ...(more > 0 ? [t.digestMore(more)] : []),
    '',
    `${t.digestOpen}: ${links.open}`,
    '',
    '--',
    t.unsubscribeNote,
    `${t.unsubscribe}: ${links.unsubscribe}`,
    '',
  ].join('\n');
  const list = items
    .map(
      (i) =>
        `<li style="margin:0 0 12px"><a href="${escapeHtml(i.url)}"><strong>${escapeHtml(i.sender)}</strong> · ${escapeHtml(i.roomName)}</a> <span style="color:#555">(${escapeHtml(t.reasons[i.reason])})</span><br>${escapeHtml(i.excerpt)}</li>`,
    )
    .join('');
  const html = page(
    lang,
    t.digestSubject(total),
    `<p>${escapeHtml(t.digestIntro(name))}</p><ul style="padding-left:20px">${list}</ul>` +
      (more > 0 ? `<p>${escapeHtml(t.digestMore(more))}</p>` : '') +
      button(links.open, t.digestOpen) +
      `<hr style="border:0;border-top:1px solid #ddd"><p style="font-size:13px;color:#555">${escapeHtml(t.unsubscribeNote)} <a href="${escapeHtml(links.unsubscribe)}">${escapeHtml(t.unsubscribe)}</a></p>`,
  );
  return { subject: `${t.digestSubject(total)} · ${t.product}`, text, html };
}
