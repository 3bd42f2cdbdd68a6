import { type ComponentFixture, TestBed } from '@angular/core/testing';
import { RichText } from './rich-text';

describe('RichText', () => {
  let fixture: ComponentFixture<RichText>;
  const render = async (text: string, me: string | null = 'alice') => {
    fixture = TestBed.createComponent(RichText);
    fixture.componentRef.setInput('text', text);
    fixture.componentRef.setInput('me', me);
    await fixture.whenStable();
    return fixture.nativeElement as HTMLElement;
  };

  it('renders the subset as elements', async () => {
    const el = await render('**b** *i* ~~s~~ `c`\n> q\n\n- one\n- two\n\n```\nx = 1\n```');
    expect(el.querySelector('strong')?.textContent).toBe('b');
    expect(el.querySelector('em')?.textContent).toBe('i');
    expect(el.querySelector('s')?.textContent).toBe('s');
    expect(el.querySelector('code.md-code')?.textContent).toBe('c');
    expect(el.querySelector('blockquote')?.textContent?.trim()).toBe('q');
    expect(Array.from(el.querySelectorAll('ul li')).map((li) => li.textContent?.trim())).toEqual(['one', 'two']);
    expect(el.querySelector('pre code')?.textContent).toBe('x = 1');
  });

  it('keeps plain text exactly', async () => {
    const el = await render('hello  world');
    expect(el.textContent).toBe('hello  world');
  });

  it('opens safe links in a new tab without opener or referrer', async () => {
    const el = await render('go https://example.com/?q=1 or [docs](https://hihi.example/docs)');
    const links = Array.from(el.querySelectorAll('a'));
    expect(links.map((a) => a.getAttribute('href'))).toEqual(['https://example.com/?q=1', 'https://hihi.example/docs']);
    for (const a of links) {
      expect(a.getAttribute('target')).toBe('_blank');
      expect(a.getAttribute('rel')).toBe('noopener noreferrer');
    }
  });

  it.each([
    '[x](javascript:alert(1))',
    '[x](&#106;avascript:alert(1))',
    '<a href="javascript:alert(1)">x</a>',
    '<img src=x onerror=alert(1)>',
    '<script>alert(1)</script>',
    '[x](data:text/html,<script>alert(1)</script>)',
    '"><svg onload=alert(1)>',
  ])('renders %s without scripts, handlers or unsafe links', async (src) => {
    const el = await render(src);
    expect(el.querySelector('script, img, svg, iframe')).toBeNull();
    for (const node of Array.from(el.querySelectorAll('*'))) {
      for (const attr of Array.from(node.attributes)) expect(attr.name).not.toMatch(/^on/i);
    }
    for (const a of Array.from(el.querySelectorAll('a'))) expect(a.getAttribute('href')).toMatch(/^(https?:|mailto:)/);
    expect(el.textContent).not.toBe('');
  });

  it('isolates bidi text: every block is dir=auto, mentions are bdi', async () => {
    const el = await render('\u202Eevil @bob\n\n> quote');
    expect(el.querySelector('p')?.getAttribute('dir')).toBe('auto');
    expect(el.querySelector('blockquote')?.getAttribute('dir')).toBe('auto');
    expect(el.querySelector('bdi.mention')?.textContent).toBe('@bob');
  });

  it("highlights the viewer's own mentions", async () => {
    const el = await render('@Alice and @bob');
    const mentions = Array.from(el.querySelectorAll('.mention'));
    expect(mentions.map((m) => m.classList.contains('mention--me'))).toEqual([true, false]);
  });

  it('renders 10,000 nested quotes without blowing up', async () => {
    const el = await render('>'.repeat(10_000) + ' deep');
    expect(el.textContent).toContain('deep');
    expect(el.querySelectorAll('blockquote').length).toBeLessThanOrEqual(21);
  });
});
