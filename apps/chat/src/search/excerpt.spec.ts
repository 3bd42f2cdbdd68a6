import { SEARCH } from '@hihi/contracts';
import { excerptOf, likePattern, searchTerms } from './excerpt';

describe('search terms', () => {
  it('splits on whitespace, drops repeats case-insensitively, caps the count', () => {
    expect(searchTerms('  Hello   hello world\t黄鸭 ')).toEqual(['Hello', 'world', '黄鸭']);
    expect(searchTerms(Array.from({ length: 20 }, (_, i) => `t${i}`).join(' '))).toHaveLength(SEARCH.termsMax);
  });

  it('takes LIKE wildcards and the escape character literally', () => {
    expect(likePattern('50%_off\\')).toBe('%50\\%\\_off\\\\%');
    expect(likePattern('黄鸭')).toBe('%黄鸭%');
  });
});

describe('excerpt and highlights', () => {
  it('marks every match, case-insensitively, in a short text', () => {
    const r = excerptOf('Hello duck, hello 小黄鸭你好', ['hello', '黄鸭']);
    expect(r.excerpt).toBe('Hello duck, hello 小黄鸭你好');
    expect(r.highlights.map(([s, e]) => r.excerpt.slice(s, e))).toEqual(['Hello', 'hello', '黄鸭']);
  });

  it('cuts a long text around the first match with ellipses, ranges pointing into the excerpt', () => {
    const text = `${'a'.repeat(500)} needle ${'b'.repeat(500)}`;
    const r = excerptOf(text, ['NEEDLE']);
    expect(r.excerpt.startsWith('…')).toBe(true);
    expect(r.excerpt.endsWith('…')).toBe(true);
    expect(r.excerpt.length).toBeLessThanOrEqual(SEARCH.excerptLength + 2);
    expect(r.highlights).toHaveLength(1);
    const [s, e] = r.highlights[0];
    expect(r.excerpt.slice(s, e)).toBe('needle');
  });

  it('shows the end of the text when the match is near it', () => {
    const text = `${'x'.repeat(400)} the end`;
    const r = excerptOf(text, ['end']);
    expect(r.excerpt.endsWith('the end')).toBe(true);
    expect(r.excerpt.length).toBe(SEARCH.excerptLength + 1);
  });

  it('prefers the longer of overlapping terms and never splits a surrogate pair', () => {
    const r = excerptOf('ab abc', ['ab', 'abc']);
    expect(r.highlights.map(([s, e]) => r.excerpt.slice(s, e))).toEqual(['ab', 'abc']);
    const emoji = `${'🦆'.repeat(100)}duck`;
    const cut = excerptOf(emoji, ['duck']);
    expect(cut.excerpt).not.toMatch(/^…[\udc00-\udfff]/);
    expect(cut.excerpt.slice(...cut.highlights[0])).toBe('duck');
  });

  it('the start of the text when nothing matches (the database matched a case JS folds differently)', () => {
    expect(excerptOf('plain', ['zzz'])).toEqual({ excerpt: 'plain', highlights: [] });
  });
});
