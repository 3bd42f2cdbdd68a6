import { ChangeDetectionStrategy, Component } from '@angular/core';

/**
 * The BOT tag after an automated sender's name (SPEC §9: bots, integration tokens and incoming
 * webhooks post "with a BOT tag"), in the timeline and in member lists alike.
 */
@Component({
  selector: 'hihi-bot-tag',
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { class: 'bot-tag', 'data-testid': 'bot-tag' },
  template: `BOT`,
  styles: `
    :host {
      display: inline-block;
      margin-inline-start: 4px;
      padding: 0 5px;
      border-radius: 4px;
      background: var(--yellow-100);
      border: 1px solid var(--line-strong);
      color: var(--accent-ink);
      font-size: 0.68rem;
      font-weight: 700;
      letter-spacing: 0.04em;
      line-height: 1.4;
      vertical-align: 1px;
    }
  `,
})
export class BotTag {}
