import { ChangeDetectionStrategy, Component, computed, inject, input, model, output, signal } from '@angular/core';
import { LIMITS } from '@hihi/contracts';
import { I18nService } from '../../core/i18n/i18n.service';
import { type Person, PeopleStore } from '../state/people.store';

/**
 * A username field with suggestions of the people the client knows (an ARIA 1.2 combobox):
 * ↑/↓ choose, Enter or Tab takes the chosen one, Esc closes the list. Without a chosen
 * suggestion, Enter submits the surrounding form with what was typed.
 */
@Component({
  selector: 'hihi-user-input',
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './user-input.html',
  styleUrl: './user-input.css',
})
export class UserInput {
  private readonly people = inject(PeopleStore);
  protected readonly i18n = inject(I18nService);
  protected readonly max = LIMITS.usernameMax;

  /** the input's id (its label points at it) */
  readonly inputId = input.required<string>();
  readonly placeholder = input('');
  /** usernames not to suggest (already picked, already members, oneself) */
  readonly exclude = input<readonly string[]>([]);
  readonly disabled = input(false);
  readonly value = model('');
  /** a suggestion was taken */
  readonly picked = output<Person>();

  protected readonly open = signal(false);
  protected readonly active = signal(0);
  protected readonly options = computed(() => (this.open() ? this.people.suggest(this.value(), this.exclude()) : []));
  protected readonly listId = computed(() => `${this.inputId()}-list`);
  protected readonly activeId = computed(() =>
    this.options().length ? `${this.inputId()}-opt-${Math.min(this.active(), this.options().length - 1)}` : null,
  );

  protected onInput(text: string): void {
    this.value.set(text);
    this.active.set(0);
    this.open.set(true);
    void this.people.warm();
  }

  protected onFocus(): void {
    void this.people.warm();
  }

  protected onKeydown(event: KeyboardEvent): void {
    const options = this.options();
    if (event.key === 'Escape' && options.length) {
      event.preventDefault();
      event.stopPropagation();
      this.open.set(false);
      return;
    }
    if (!options.length) return;
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      const step = event.key === 'ArrowDown' ? 1 : -1;
      this.active.set((this.active() + step + options.length) % options.length);
    } else if (event.key === 'Enter' || event.key === 'Tab') {
      event.preventDefault();
      this.take(options[Math.min(this.active(), options.length - 1)]);
    }
  }

  protected take(person: Person): void {
    this.value.set(person.username);
    this.open.set(false);
    this.picked.emit(person);
  }

  /** Closes the list when the focus leaves (a click on an option comes first: mousedown). */
  protected onBlur(): void {
    this.open.set(false);
  }
}
