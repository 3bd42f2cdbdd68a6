import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { RouterOutlet } from '@angular/router';
import { WebPushService } from './core/push/web-push.service';
import { MailLanguageSync } from './core/account/mail-language';

@Component({
  selector: 'hihi-root',
  imports: [RouterOutlet],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `<router-outlet />`,
})
export class App {
  constructor() {
    // the one service worker, on every visit: the shell offline (PWA) and Web Push
    void inject(WebPushService).registerWorker();
    // mails are written in the language the person uses here
    inject(MailLanguageSync);
  }
}
