import { ChangeDetectionStrategy, Component, inject, output, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { LIMITS } from '@hihi/contracts';
import { httpErrorMessage, httpStatus } from '../../core/api/http-error';
import { I18nService } from '../../core/i18n/i18n.service';
import { ChatStore } from '../chat-store.service';

type Mode = 'room' | 'dm';

/** Create a public room or open a direct message. */
@Component({
  selector: 'hihi-new-chat',
  imports: [FormsModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './new-chat.html',
  styleUrl: './new-chat.css',
})
export class NewChat {
  private readonly store = inject(ChatStore);
  protected readonly i18n = inject(I18nService);
  protected readonly limits = LIMITS;

  readonly opened = output<string>();

  protected readonly mode = signal<Mode | null>(null);
  protected readonly value = signal('');
  protected readonly busy = signal(false);
  protected readonly error = signal<string | null>(null);

  protected toggle(mode: Mode): void {
    this.mode.set(this.mode() === mode ? null : mode);
    this.value.set('');
    this.error.set(null);
  }

  async submit(): Promise<void> {
    const mode = this.mode();
    const value = this.value().trim();
    if (!mode || !value || this.busy()) return;
    this.busy.set(true);
    this.error.set(null);
    try {
      const room = mode === 'room' ? await this.store.createRoom(value) : await this.store.openDm(value);
      this.mode.set(null);
      this.value.set('');
      this.opened.emit(room.id);
    } catch (err) {
      const status = httpStatus(err);
      this.error.set(
        status === 404 && mode === 'dm'
          ? this.i18n.t('chat.userNotFound')
          : status === 409
            ? this.i18n.t('chat.roomExists')
            : status === 0
              ? this.i18n.t('error.network')
              : this.i18n.t('error.generic', { message: httpErrorMessage(err) ?? String(status) }),
      );
    } finally {
      this.busy.set(false);
    }
  }
}
