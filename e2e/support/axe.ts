import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { ARTIFACTS } from './browser';

/** The WCAG 2.1 A and AA rule set of axe-core (issue 25). */
export const WCAG_21_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] as const;

/** Impacts that fail a check. */
export const FAILING_IMPACTS = ['serious', 'critical'] as const;

export interface AxeFinding {
  /** the rule, e.g. "color-contrast" */
  id: string;
  impact: string | null;
  help: string;
  /** one line per offending element: its selector and axe's summary */
  nodes: string[];
}

export interface AxeOptions {
  /** CSS selectors to check (default: the whole document) */
  include?: string[];
  /** CSS selectors to leave out */
  exclude?: string[];
  /** impacts that count (default serious and critical) */
  impacts?: readonly string[];
}

let source: string | undefined;
/** axe-core's browser bundle, read once from node_modules. */
function axeSource(): string {
  source ??= readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  return source;
}

/**
 * Injects axe-core into the page through the test browser (DevTools evaluation, which the page's
 * Content-Security-Policy does not govern: the product's CSP stays strict, no inline script is
 * added to the document) and runs the WCAG 2.1 A/AA rules. Answers the violations whose impact
 * counts, most severe first.
 */
export async function axeViolations(page: Page, opts: AxeOptions = {}): Promise<AxeFinding[]> {
  const loaded = await page.evaluate(() => typeof (window as unknown as { axe?: unknown }).axe === 'object');
  if (!loaded) await page.evaluate(axeSource());
  const impacts = opts.impacts ?? FAILING_IMPACTS;
  const found = await page.evaluate(
    async ({ tags, include, exclude }) => {
      interface AxeNode {
        target: unknown[];
        failureSummary?: string;
      }
      interface AxeResult {
        id: string;
        impact: string | null;
        help: string;
        nodes: AxeNode[];
      }
      const axe = (
        window as unknown as {
          axe: { run(ctx: unknown, opts: unknown): Promise<{ violations: AxeResult[] }> };
        }
      ).axe;
      const context =
        include.length || exclude.length
          ? {
              ...(include.length ? { include: include.map((s) => [s]) } : {}),
              ...(exclude.length ? { exclude: exclude.map((s) => [s]) } : {}),
            }
          : document;
      const result = await axe.run(context, {
        runOnly: { type: 'tag', values: tags },
        resultTypes: ['violations'],
      });
      return result.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        nodes: v.nodes.map(
          (n) => `${n.target.map(String).join(' ')} — ${(n.failureSummary ?? '').replace(/\s+/g, ' ').trim()}`,
        ),
      }));
    },
    { tags: [...WCAG_21_AA], include: opts.include ?? [], exclude: opts.exclude ?? [] },
  );
  const rank = (impact: string | null) => ['critical', 'serious', 'moderate', 'minor'].indexOf(impact ?? 'minor');
  return found.filter((v) => impacts.includes(v.impact ?? '')).sort((a, b) => rank(a.impact) - rank(b.impact));
}

/** Every check's failing findings of this run, by view (written to artifacts/e2e/axe-<file>.json). */
const seen = new Map<string, AxeFinding[]>();
/** The moderate and minor ones, which do not fail (kept in the report to look at). */
const notes = new Map<string, AxeFinding[]>();

const ALL_IMPACTS = ['critical', 'serious', 'moderate', 'minor'] as const;

/** Runs axe once: what fails (opts.impacts) is answered, the rest is noted for the report. */
async function run(page: Page, view: string, opts: AxeOptions): Promise<AxeFinding[]> {
  const all = await axeViolations(page, { ...opts, impacts: ALL_IMPACTS });
  const failing = opts.impacts ?? FAILING_IMPACTS;
  const found = all.filter((v) => failing.includes(v.impact ?? ''));
  seen.set(view, found);
  notes.set(
    view,
    all.filter((v) => !found.includes(v)),
  );
  return found;
}

/**
 * Fails when axe finds a serious or critical WCAG 2.1 A/AA violation on the page as it is now;
 * `view` names it in the message and the report ("chat en 375").
 */
export async function expectAccessible(page: Page, view: string, opts: AxeOptions = {}): Promise<void> {
  const found = await run(page, view, opts);
  if (found.length) {
    const lines = found.flatMap((v) => [`${v.impact} ${v.id}: ${v.help}`, ...v.nodes.map((n) => `    ${n}`)]);
    throw new Error(
      `axe: ${found.length} serious/critical WCAG 2.1 AA violation(s) on "${view}":\n${lines.join('\n')}`,
    );
  }
}

/**
 * Records axe's findings for a view without failing yet, so that one run shows every view's
 * violations; `expectAllAccessible()` then fails listing them all.
 */
export async function checkAccessible(page: Page, view: string, opts: AxeOptions = {}): Promise<AxeFinding[]> {
  return run(page, view, opts);
}

/** Fails when any view checked so far had a serious or critical violation. */
export function expectAllAccessible(): void {
  const failing = [...seen].filter(([, found]) => found.length);
  if (!failing.length) return;
  const lines = failing.flatMap(([view, found]) => [
    `${view}:`,
    ...found.flatMap((v) => [`  ${v.impact} ${v.id}: ${v.help}`, ...v.nodes.map((n) => `      ${n}`)]),
  ]);
  throw new Error(`axe: serious/critical WCAG 2.1 AA violations on ${failing.length} view(s):\n${lines.join('\n')}`);
}

/**
 * Writes what every check of this file saw: per view the failing findings (an empty list passed)
 * and the moderate / minor ones that do not fail.
 */
export function saveAxeReport(name: string): void {
  mkdirSync(ARTIFACTS, { recursive: true });
  const report = Object.fromEntries(
    [...seen].map(([view, failing]) => [view, { failing, other: notes.get(view) ?? [] }]),
  );
  writeFileSync(join(ARTIFACTS, `axe-${name}.json`), JSON.stringify(report, null, 2));
}
