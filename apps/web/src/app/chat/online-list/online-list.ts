import { ChangeDetectionStrategy, Component, computed, inject, input } from '@angular/core';
import type { PublicUser } from '@hihi/contracts';
import { I18nService } from '../../core/i18n/i18n.service';
import { Avatar } from '../../shared/avatar/avatar';

/** Who is online in the current room (presence events). */
@Component({
  selector: 'hihi-online-list',
  imports: [Avatar],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <section class="online" aria-labelledby="online-title">
      <h2 class="online__title" id="online-title">
        <span class="dot" aria-hidden="true"></span>
        {{ i18n.t('chat.onlineCount', { count: total() }) }}
      </h2>
      @if (users().length) {
        <ul class="online__list">
          @for (user of users(); track user.id) {
            <li class="online__user">
              <hihi-avatar
                [name]="user.displayName || user.username"
                [seed]="user.username"
                [src]="user.avatarUrl"
                [size]="26"
              />
              <span class="online__name">{{ user.displayName || user.username }}</span>
              @if (user.id === meId()) {
                <span class="online__me">({{ i18n.t('chat.you') }})</span>
              }
            </li>
          }
        </ul>
      } @else {
        <p class="online__none">{{ i18n.t('chat.nobodyOnline') }}</p>
      }
    </section>
  `,
  styles: `
    :host {
      display: block;
    }
    .online__title {
      display: flex;
      align-items: center;
      gap: 6px;
      margin: 0 10px 6px;
      font-size: 0.72rem;
      letter-spacing: 0.08em;
      text-transform: uppercase;
      color: var(--ink-faint);
      font-weight: 700;
    }
    .dot {
      width: 8px;
      height: 8px;
      border-radius: 50%;
      background: var(--green-500);
      box-shadow: 0 0 0 3px rgb(74 222 128 / 0.25);
    }
    .online__list {
      list-style: none;
      margin: 0;
      padding: 0;
      display: flex;
      flex-direction: column;
      gap: 4px;
    }
    .online__user {
      display: flex;
      align-items: center;
      gap: 8px;
      padding: 3px 10px;
      font-size: 0.9rem;
      min-width: 0;
    }
    .online__name {
      overflow: hidden;
      text-overflow: ellipsis;
      white-space: nowrap;
    }
    .online__me,
    .online__none {
      color: var(--ink-faint);
      font-size: 0.8rem;
    }
    .online__none {
      margin: 0 10px;
    }
  `,
})
export class OnlineList {
  protected readonly i18n = inject(I18nService);
  readonly users = input<readonly PublicUser[]>([]);
  /** how many are online in all (the list may show only the first ones); defaults to the list's length */
  readonly count = input<number | null>(null);
  readonly meId = input<string | null>(null);
  readonly total = computed(() => Math.max(this.count() ?? 0, this.users().length));
}
