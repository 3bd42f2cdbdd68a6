import { LIMITS } from '@hihi/contracts';
import { slackLinks, slackToMessage } from './slack-body';

describe('Slack-compatible incoming webhook bodies → message text', () => {
  it('takes text and username', () => {
    expect(slackToMessage({ text: 'build passed', username: 'CI' })).toEqual({ text: 'build passed', username: 'CI' });
  });

  it('turns attachments into lines (Grafana / Alertmanager style)', () => {
    const r = slackToMessage({
      attachments: [
        {
          fallback: '[FIRING] HighCPU',
          title: '[FIRING:1] HighCPU',
          title_link: 'https://grafana.example/alert/1',
          text: 'CPU above 90% on web-1',
          fields: [{ title: 'severity', value: 'critical' }],
        },
        { fallback: 'only a fallback' },
      ],
    });
    expect(r).toEqual({
      text: '[FIRING:1] HighCPU (https://grafana.example/alert/1)\nCPU above 90% on web-1\nseverity: critical\nonly a fallback',
    });
  });

  it('turns blocks into lines, without repeating text', () => {
    const r = slackToMessage({
      text: 'Deploy finished',
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: 'Deploy finished' } },
        { type: 'section', text: { type: 'mrkdwn', text: 'app *web* to <https://prod.example|prod>' } },
        { type: 'section', fields: [{ type: 'mrkdwn', text: 'by alice' }] },
        { type: 'context', elements: [{ type: 'mrkdwn', text: 'took 42 s' }] },
        { type: 'divider' },
      ],
    });
    expect(r).toEqual({ text: 'Deploy finished\napp *web* to prod (https://prod.example)\nby alice\ntook 42 s' });
  });

  it('converts Slack links and mentions', () => {
    expect(slackLinks('see <https://x.example/a|the log> or <https://y.example> <!here>')).toBe(
      'see the log (https://x.example/a) or https://y.example @here',
    );
  });

  it.each([
    [null, 'object'],
    [[], 'object'],
    ['text', 'object'],
    [{}, 'text is required'],
    [{ text: '   ' }, 'text is required'],
    [{ text: 42 }, 'text must be a string'],
    [{ text: 'x', attachments: {} }, 'attachments must be a list'],
    [{ text: 'x', blocks: 'no' }, 'blocks must be a list'],
    [{ text: 'x', username: 7 }, 'username must be a string'],
    [{ attachments: [{ color: 'red' }] }, 'text is required'],
  ])('refuses %p', (body, reason) => {
    const r = slackToMessage(body);
    expect('error' in r && r.error).toContain(reason);
  });

  it('cuts long text at the message limit', () => {
    const r = slackToMessage({ text: 'x'.repeat(LIMITS.messageMax + 500) });
    expect('text' in r && r.text.length).toBe(LIMITS.messageMax);
    expect('text' in r && r.text.endsWith('…')).toBe(true);
  });
});
