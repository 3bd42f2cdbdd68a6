import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  effect,
  inject,
  input,
  output,
  signal,
  untracked,
} from '@angular/core';
import { I18nService } from '../../core/i18n/i18n.service';
import { OnlineService } from '../../core/online/online.service';
import type { ConnectionState } from '../../core/socket/socket.service';

export const BACK_BANNER_MS = 3000;

/**
 * "You are offline" while the browser has no network (the shell may come from the service
 * worker's cache), "Reconnecting…" while the socket is down, "Rejoining the room…" while a busy server's join is
 * retried, then "back" for a moment after it returns.
 */
@Component({
  selector: 'hihi-connection-banner',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="live" role="status" aria-live="polite">
      @if (!online()) {
        <div class="banner banner--down" data-testid="offline">
          <span aria-hidden="true">🦆</span>
          <span>{{ i18n.t('chat.offlineBanner') }}</span>
        </div>
      } @else if (state() === 'reconnecting' && cutOff()) {
        <div class="banner banner--down" data-testid="cut-off">
          <span aria-hidden="true">🦆</span>
          <span>{{ i18n.t('chat.cutOff') }}</span>
        </div>
      } @else if (state() === 'reconnecting') {
        <div class="banner banner--down">
          <span class="spinner" aria-hidden="true"></span>
          <span>{{ i18n.t('chat.reconnecting') }}</span>
          <button type="button" class="link-btn" (click)="reconnectNow.emit()">
            {{ i18n.t('chat.reconnectNow') }}
          </button>
        </div>
      } @else if (rejoining()) {
        <div class="banner banner--down">
          <span class="spinner" aria-hidden="true"></span>
          <span>{{ i18n.t('chat.rejoining') }}</span>
        </div>
      } @else if (back()) {
        <div class="banner banner--back"><span aria-hidden="true">🦆</span> {{ i18n.t('chat.reconnected') }}</div>
      }
    </div>
  `,
  styles: `
    .banner {
      display: flex;
      align-items: center;
      justify-content: center;
      flex-wrap: wrap;
      gap: 8px;
      padding: 7px 14px;
      font-size: 0.85rem;
      text-align: center;
    }
    .banner--down {
      background: #fff1d6;
      color: #8a5a00;
    }
    .banner--back {
      background: #dcfce7;
      color: #166534;
    }
    .spinner {
      width: 12px;
      height: 12px;
      border-radius: 50%;
      border: 2px solid currentColor;
      border-right-color: transparent;
      animation: spin 0.8s linear infinite;
    }
    @keyframes spin {
      to {
        transform: rotate(360deg);
      }
    }
  `,
})
export class ConnectionBanner {
  protected readonly i18n = inject(I18nService);
  protected readonly online = inject(OnlineService).online;
  readonly state = input<ConnectionState>('idle');
  /** connected, but the open room's join is being retried (the server was busy) */
  readonly rejoining = input(false);
  /** the server cut this client off for sending too fast; it reconnects by itself after a pause */
  readonly cutOff = input(false);
  readonly reconnectNow = output<void>();

  protected readonly back = signal(false);
  private previous: ConnectionState = 'idle';
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor() {
    effect(() => {
      const state = this.state();
      untracked(() => {
        if (state === 'connected' && this.previous === 'reconnecting') {
          this.back.set(true);
          if (this.timer) clearTimeout(this.timer);
          this.timer = setTimeout(() => this.back.set(false), BACK_BANNER_MS);
        } else if (state !== 'connected') {
          this.back.set(false);
        }
        this.previous = state;
      });
    });
    inject(DestroyRef).onDestroy(() => {
      if (this.timer) clearTimeout(this.timer);
    });
  }
}
