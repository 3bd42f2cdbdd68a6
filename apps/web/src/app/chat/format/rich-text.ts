import { NgTemplateOutlet } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import { parseMarkdown } from './markdown';

/**
 * Renders markdown-lite through Angular templates from the safe AST of `parseMarkdown`: text only
 * ever goes through `{{ }}` interpolation, links only get an allowlisted href. Every block is a
 * bidi isolate (`dir="auto"`) and mentions are `<bdi>`, so a U+202E cannot reorder anything
 * outside the paragraph it is typed in.
 */
@Component({
  selector: 'hihi-rich-text',
  imports: [NgTemplateOutlet],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <ng-template #blocksTpl let-blocks>
      @for (b of blocks; track $index) {
        @switch (b.k) {
          @case ('p') {
            <p dir="auto"><ng-container *ngTemplateOutlet="inlinesTpl; context: { $implicit: b.children }" /></p>
          }
          @case ('pre') {
            <pre class="md-pre" dir="ltr" tabindex="0"><code>{{ b.text }}</code></pre>
          }
          @case ('quote') {
            <blockquote class="md-quote" dir="auto">
              <ng-container *ngTemplateOutlet="blocksTpl; context: { $implicit: b.children }" />
            </blockquote>
          }
          @case ('list') {
            @if (b.ordered) {
              <ol class="md-list" [attr.start]="b.start" dir="auto">
                @for (item of b.items; track $index) {
                  <li><ng-container *ngTemplateOutlet="blocksTpl; context: { $implicit: item }" /></li>
                }
              </ol>
            } @else {
              <ul class="md-list" dir="auto">
                @for (item of b.items; track $index) {
                  <li><ng-container *ngTemplateOutlet="blocksTpl; context: { $implicit: item }" /></li>
                }
              </ul>
            }
          }
        }
      }
    </ng-template>

    <ng-template #inlinesTpl let-nodes>
      @for (n of nodes; track $index) {
        @switch (n.k) {
          @case ('text') {
            <ng-container>{{ n.text }}</ng-container>
          }
          @case ('br') {
            <br />
          }
          @case ('code') {
            <code class="md-code">{{ n.text }}</code>
          }
          @case ('mention') {
            <bdi class="mention" [class.mention--me]="isMe(n.username)">&#64;{{ n.username }}</bdi>
          }
          @case ('strong') {
            <strong><ng-container *ngTemplateOutlet="inlinesTpl; context: { $implicit: n.children }" /></strong>
          }
          @case ('em') {
            <em><ng-container *ngTemplateOutlet="inlinesTpl; context: { $implicit: n.children }" /></em>
          }
          @case ('s') {
            <s><ng-container *ngTemplateOutlet="inlinesTpl; context: { $implicit: n.children }" /></s>
          }
          @case ('link') {
            <a [href]="n.href" target="_blank" rel="noopener noreferrer"
              ><ng-container *ngTemplateOutlet="inlinesTpl; context: { $implicit: n.children }"
            /></a>
          }
        }
      }
    </ng-template>

    <ng-container *ngTemplateOutlet="blocksTpl; context: { $implicit: blocks() }" />
  `,
  styles: `
    :host {
      display: block;
      min-width: 0;
    }
    p {
      margin: 0;
      white-space: pre-wrap;
    }
    p + p,
    * + .md-pre,
    * + .md-quote,
    * + .md-list,
    .md-pre + *,
    .md-quote + *,
    .md-list + * {
      margin-top: 6px;
    }
    .md-code,
    .md-pre {
      font-family: ui-monospace, 'SFMono-Regular', Menlo, Consolas, 'Noto Sans Mono CJK SC', monospace;
      font-size: 0.88em;
      background: rgb(255 233 143 / 0.35);
      border-radius: 6px;
    }
    .md-code {
      padding: 1px 5px;
    }
    .md-pre {
      margin: 0;
      padding: 8px 10px;
      overflow-x: auto;
      white-space: pre;
      max-width: 100%;
    }
    .md-quote {
      margin: 0;
      padding: 2px 0 2px 10px;
      border-inline-start: 3px solid var(--pink-300);
      color: var(--ink-soft);
    }
    .md-list {
      margin: 0;
      padding-inline-start: 1.4em;
    }
    a {
      overflow-wrap: anywhere;
    }
    .mention {
      font-weight: 700;
      color: var(--accent-ink);
      background: rgb(255 207 51 / 0.25);
      border-radius: 6px;
      padding: 0 3px;
    }
    .mention--me {
      color: #9d174d;
      background: var(--pink-100);
      box-shadow: inset 0 0 0 1px var(--pink-300);
    }
  `,
})
export class RichText {
  readonly text = input('');
  /** the viewer's username: their mentions are highlighted */
  readonly me = input<string | null>(null);

  protected readonly blocks = computed(() => parseMarkdown(this.text()));
  private readonly meLower = computed(() => this.me()?.toLowerCase() ?? null);

  protected isMe(username: string): boolean {
    return username.toLowerCase() === this.meLower();
  }
}
