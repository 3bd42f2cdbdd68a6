import { ChangeDetectionStrategy, Component, input } from '@angular/core';

/** The little yellow duck 小黄鸭, as inline SVG (no external image, CSP-friendly). */
@Component({
  selector: 'hihi-duck-icon',
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { class: 'duck-icon', '[style.width.px]': 'size()', '[style.height.px]': 'size()' },
  template: `
    <svg viewBox="0 0 64 64" width="100%" height="100%" aria-hidden="true" focusable="false">
      <ellipse cx="34" cy="44" rx="24" ry="15" fill="#ffd84d" />
      <path d="M14 40 C8 38 6 33 9 30 C12 35 16 36 19 36 Z" fill="#ffc928" />
      <circle cx="26" cy="24" r="15" fill="#ffd84d" />
      <path d="M38 43 C44 35 52 37 52 44 C48 42 43 44 38 43 Z" fill="#ffc928" />
      <path d="M10 24 C5 23 3 27 4 28 C7 30 12 29 14 27 Z" fill="#ff9f43" />
      <circle cx="21" cy="20" r="2.6" fill="#3b2f2f" />
      <circle cx="20.2" cy="19.2" r="0.9" fill="#fff" />
      <ellipse cx="27" cy="28" rx="3.5" ry="2.2" fill="#ffb4c8" opacity="0.8" />
    </svg>
  `,
  styles: `
    :host {
      display: inline-block;
      flex: none;
      line-height: 0;
    }
  `,
})
export class DuckIcon {
  readonly size = input(40);
}
