/**
 * Markdown-lite (SPEC §5: message `text` is markdown-lite source) parsed into a small, safe AST
 * that Angular templates render node by node — never `innerHTML` of user text.
 *
 * Why markdown-it and not a hand-written parser: markdown-it is the well-kept CommonMark parser
 * (used by VS Code, GitLab, Discourse); its `parse()` yields a token stream (not HTML) that we turn
 * into our own tree, it is designed to run in linear time on hostile input (a per-position cache in
 * the inline parser, bounded delimiter matching), and it caps nesting (`maxNesting`), so neither a
 * 10,000-deep quote nor 10,000 `*` can blow the stack or go quadratic. We start from its `zero`
 * preset and enable only the subset chat needs: no raw HTML, no images, headings, tables or
 * indented code. Links pass an allowlist (http, https, mailto) twice: in markdown-it's
 * `validateLink`, so other schemes stay literal text, and again when building the AST.
 */
import markdownIt, { type MarkdownIt, type Token } from 'markdown-it';

export type Inline =
  | { k: 'text'; text: string }
  | { k: 'mention'; username: string }
  | { k: 'br' }
  | { k: 'code'; text: string }
  | { k: 'strong' | 'em' | 's'; children: Inline[] }
  | { k: 'link'; href: string; children: Inline[] };

export type Block =
  | { k: 'p'; children: Inline[] }
  | { k: 'pre'; text: string }
  | { k: 'quote'; children: Block[] }
  | { k: 'list'; ordered: boolean; start: number; items: Block[][] };

/** The deepest quote / list / emphasis nesting rendered; deeper markers stay as they are. */
export const MAX_NESTING = 20;

const SAFE_SCHEME = /^(?:https?:\/\/|mailto:)/i;
const SAFE_PROTOCOLS = new Set(['http:', 'https:', 'mailto:']);

/** `@username` as SPEC §6 spells usernames (letters of any script, digits, `_ . -`). */
export const MENTION_RE = /(^|[^\p{L}\p{N}_.@/-])@([\p{L}\p{N}_][\p{L}\p{N}_.-]{0,31})/gu;

/** An http(s) or mailto URL that parses, else null. Control characters and spaces are refused. */
export function safeHref(raw: string): string | null {
  const href = raw.trim();
  // eslint-disable-next-line no-control-regex
  if (!SAFE_SCHEME.test(href) || /[\u0000-\u0020\u007f-\u009f]/.test(href)) return null;
  try {
    return SAFE_PROTOCOLS.has(new URL(href).protocol) ? href : null;
  } catch {
    return null;
  }
}

function createParser(): MarkdownIt {
  const md = markdownIt('zero', { breaks: true, linkify: true, maxNesting: MAX_NESTING });
  md.enable(['blockquote', 'fence', 'list']);
  md.enable(['newline', 'escape', 'backticks', 'strikethrough', 'emphasis', 'link', 'autolink', 'entity', 'linkify']);
  // scheme-less links only when they start with www. ("www.example.com"), never bare words like
  // "readme.md" or "node.js" that happen to end in a top-level domain; those get https://
  md.linkify.set({ fuzzyIP: false, fuzzyLink: true });
  const match = md.linkify.match.bind(md.linkify);
  md.linkify.match = (text: string) => {
    const found = (match(text) ?? []).filter((m) => m.schema !== '' || /^www\./i.test(m.raw));
    for (const m of found) if (m.schema === '') m.url = `https://${m.raw}`;
    // an empty list, not null: markdown-it reads .length of what match answers once test() said yes
    return found;
  };
  md.validateLink = (url: string) => safeHref(url) !== null;
  return md;
}

let parser: MarkdownIt | null = null;

/** Parses markdown-lite into blocks. Pure; linear in the length of the text. */
export function parseMarkdown(text: string): Block[] {
  parser ??= createParser();
  const tokens = parser.parse(text, {});
  const blocks = buildBlocks(tokens);
  // beyond MAX_NESTING markdown-it drops the innermost content: never lose words, show the source
  if (text.trim() && !hasText(blocks)) return [{ k: 'p', children: splitMentions(text) }];
  return blocks;
}

interface BlockFrame {
  blocks: Block[];
  node: Block | null;
  /** list frames collect items; item frames collect blocks */
  items?: Block[][];
}

function buildBlocks(tokens: readonly Token[]): Block[] {
  const root: BlockFrame = { blocks: [], node: null };
  const stack: BlockFrame[] = [root];
  const top = () => stack[stack.length - 1];
  for (const t of tokens) {
    switch (t.type) {
      case 'blockquote_open': {
        const node: Block = { k: 'quote', children: [] };
        top().blocks.push(node);
        stack.push({ blocks: node.children, node });
        break;
      }
      case 'bullet_list_open':
      case 'ordered_list_open': {
        const start = Number(t.attrGet('start') ?? 1);
        const node: Block = {
          k: 'list',
          ordered: t.type === 'ordered_list_open',
          start: Number.isFinite(start) ? start : 1,
          items: [],
        };
        top().blocks.push(node);
        stack.push({ blocks: [], node, items: node.items });
        break;
      }
      case 'list_item_open': {
        const item: Block[] = [];
        top().items?.push(item);
        stack.push({ blocks: item, node: null });
        break;
      }
      case 'blockquote_close':
      case 'bullet_list_close':
      case 'ordered_list_close':
      case 'list_item_close':
        if (stack.length > 1) stack.pop();
        break;
      case 'inline':
        top().blocks.push({ k: 'p', children: buildInlines(t.children ?? []) });
        break;
      case 'fence':
      case 'code_block':
        top().blocks.push({ k: 'pre', text: t.content.replace(/\n$/, '') });
        break;
      default:
        // paragraph_open/close carry nothing we need; anything unexpected keeps its text
        if (t.content && t.nesting === 0 && !t.type.startsWith('paragraph')) {
          top().blocks.push({ k: 'p', children: [{ k: 'text', text: t.content }] });
        }
    }
  }
  return root.blocks;
}

interface InlineFrame {
  children: Inline[];
  /** the closing token type that ends this frame */
  close: string;
  /** a link we refused: its children go to the parent as plain content */
  dropped?: boolean;
  inLink?: boolean;
}

const WRAPPERS: Record<string, { close: string; k: 'strong' | 'em' | 's' }> = {
  strong_open: { close: 'strong_close', k: 'strong' },
  em_open: { close: 'em_close', k: 'em' },
  s_open: { close: 's_close', k: 's' },
};

function buildInlines(tokens: readonly Token[]): Inline[] {
  const root: InlineFrame = { children: [], close: '' };
  const stack: InlineFrame[] = [root];
  const top = () => stack[stack.length - 1];
  const push = (node: Inline) => {
    const kids = top().children;
    const last = kids[kids.length - 1];
    if (node.k === 'text' && last?.k === 'text') last.text += node.text;
    else kids.push(node);
  };
  const text = (s: string) => {
    if (!s) return;
    if (top().inLink) push({ k: 'text', text: s });
    else for (const n of splitMentions(s)) push(n);
  };
  for (const t of tokens) {
    const wrap = WRAPPERS[t.type];
    if (wrap) {
      const node: Inline = { k: wrap.k, children: [] };
      push(node);
      stack.push({ children: node.children, close: wrap.close, inLink: top().inLink });
      continue;
    }
    switch (t.type) {
      case 'text':
      case 'text_special':
        text(t.content);
        break;
      case 'softbreak':
      case 'hardbreak':
        push({ k: 'br' });
        break;
      case 'code_inline':
        push({ k: 'code', text: t.content });
        break;
      case 'link_open': {
        const href = safeHref(String(t.attrGet('href') ?? ''));
        if (href) {
          const node: Inline = { k: 'link', href, children: [] };
          push(node);
          stack.push({ children: node.children, close: 'link_close', inLink: true });
        } else {
          stack.push({ children: top().children, close: 'link_close', dropped: true, inLink: true });
        }
        break;
      }
      default:
        if (stack.length > 1 && t.type === top().close) {
          stack.pop();
        } else if (t.nesting === 0 && t.content) {
          text(t.content);
        }
    }
  }
  return root.children;
}

/** Splits plain text into text and `@mention` nodes (linear: one pass of a sticky-free regex). */
export function splitMentions(s: string): Inline[] {
  const out: Inline[] = [];
  let last = 0;
  for (const m of s.matchAll(MENTION_RE)) {
    const at = (m.index ?? 0) + m[1].length;
    const username = m[2].replace(/[.-]+$/, '');
    if (at > last) out.push({ k: 'text', text: s.slice(last, at) });
    out.push({ k: 'mention', username });
    last = at + 1 + username.length;
  }
  if (last < s.length) out.push({ k: 'text', text: s.slice(last) });
  return out;
}

/** Usernames mentioned in a text (outside code), lower-cased, without duplicates. */
export function mentionedUsernames(text: string): string[] {
  const names = new Set<string>();
  const walkInline = (nodes: readonly Inline[]) => {
    for (const n of nodes) {
      if (n.k === 'mention') names.add(n.username.toLowerCase());
      else if (n.k === 'strong' || n.k === 'em' || n.k === 's') walkInline(n.children);
    }
  };
  const walk = (blocks: readonly Block[]) => {
    for (const b of blocks) {
      if (b.k === 'p') walkInline(b.children);
      else if (b.k === 'quote') walk(b.children);
      else if (b.k === 'list') for (const item of b.items) walk(item);
    }
  };
  walk(parseMarkdown(text));
  return [...names];
}

/** The text a notification or a reply excerpt shows: markdown markers stripped, one line. */
export function plainText(text: string): string {
  const parts: string[] = [];
  const walkInline = (nodes: readonly Inline[]) => {
    for (const n of nodes) {
      if (n.k === 'text' || n.k === 'code') parts.push(n.text);
      else if (n.k === 'mention') parts.push(`@${n.username}`);
      else if (n.k === 'br') parts.push(' ');
      else walkInline(n.children);
    }
  };
  const walk = (blocks: readonly Block[]) => {
    for (const b of blocks) {
      if (b.k === 'p') walkInline(b.children);
      else if (b.k === 'pre') parts.push(b.text);
      else if (b.k === 'quote') walk(b.children);
      else for (const item of b.items) walk(item);
      parts.push(' ');
    }
  };
  walk(parseMarkdown(text));
  return parts.join('').replace(/\s+/g, ' ').trim();
}

function hasText(blocks: readonly Block[]): boolean {
  const inl = (nodes: readonly Inline[]): boolean =>
    nodes.some((n) =>
      n.k === 'text' || n.k === 'code' ? n.text.trim() !== '' : n.k === 'mention' || (n.k !== 'br' && inl(n.children)),
    );
  return blocks.some((b) =>
    b.k === 'p'
      ? inl(b.children)
      : b.k === 'pre'
        ? b.text.trim() !== ''
        : b.k === 'quote'
          ? hasText(b.children)
          : b.items.some((i) => hasText(i)),
  );
}
