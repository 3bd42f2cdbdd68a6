import { ChangeDetectionStrategy, Component, computed, input, signal } from '@angular/core';
import { DuckIcon } from '../duck-icon/duck-icon';

const PALETTE = ['#ffb4c8', '#b8e0ff', '#c9f2c7', '#ffd6a5', '#d9c8ff', '#a8ede6', '#ffc6ff', '#fde68a'];

/** A stable pastel colour for a name. */
export function avatarColor(seed: string): string {
  let hash = 0;
  for (const ch of seed) hash = (hash * 31 + (ch.codePointAt(0) ?? 0)) >>> 0;
  return PALETTE[hash % PALETTE.length];
}

/** The first letter (whole code point, so 小明 → 小), upper-cased. */
export function avatarInitial(name: string): string {
  const first = Array.from(name.trim())[0] ?? '?';
  return first.toLocaleUpperCase();
}

/** The person's picture, or their initial on a coloured circle; the duck gets its own yellow face. */
@Component({
  selector: 'hihi-avatar',
  imports: [DuckIcon],
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { '[style.--avatar-size.px]': 'size()' },
  template: `
    @if (bot()) {
      <span class="avatar avatar--duck" aria-hidden="true"><hihi-duck-icon [size]="size() - 8" /></span>
    } @else if (shownSrc(); as url) {
      <img
        class="avatar avatar--img"
        [src]="url"
        alt=""
        aria-hidden="true"
        [width]="size()"
        [height]="size()"
        loading="lazy"
        decoding="async"
        (error)="failed.set(url)"
      />
    } @else {
      <span class="avatar" [style.background]="color()" aria-hidden="true">{{ initial() }}</span>
    }
  `,
  styles: `
    :host {
      display: inline-flex;
      flex: none;
    }
    .avatar {
      width: var(--avatar-size);
      height: var(--avatar-size);
      border-radius: 50%;
      display: inline-flex;
      align-items: center;
      justify-content: center;
      font-weight: 700;
      font-size: calc(var(--avatar-size) * 0.45);
      color: #5b4636;
      box-shadow:
        0 2px 6px rgb(180 140 60 / 0.18),
        inset 0 0 0 2px rgb(255 255 255 / 0.7);
      user-select: none;
    }
    .avatar--img {
      object-fit: cover;
      background: #fff3d6;
    }
    .avatar--duck {
      background: radial-gradient(circle at 35% 30%, #fff8d6, #ffeaa0);
    }
  `,
})
export class Avatar {
  readonly name = input.required<string>();
  readonly seed = input<string>('');
  readonly bot = input(false);
  readonly size = input(40);

  /** the person's picture (`/api/avatars/…`); initials when absent or when it fails to load */
  readonly src = input<string | null | undefined>(null);
  protected readonly failed = signal<string | null>(null);
  protected readonly shownSrc = computed(() => {
    const url = this.src();
    return url && url !== this.failed() ? url : null;
  });

  readonly initial = computed(() => avatarInitial(this.name()));
  readonly color = computed(() => avatarColor(this.seed() || this.name()));
}
