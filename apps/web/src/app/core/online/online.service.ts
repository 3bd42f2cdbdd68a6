import { DestroyRef, Injectable, inject, signal } from '@angular/core';

/** Whether the browser thinks it has a network (navigator.onLine and the online/offline events). */
@Injectable({ providedIn: 'root' })
export class OnlineService {
  private readonly state = signal(typeof navigator === 'undefined' ? true : navigator.onLine);
  readonly online = this.state.asReadonly();

  constructor() {
    if (typeof window === 'undefined') return;
    const update = () => this.state.set(navigator.onLine);
    window.addEventListener('online', update);
    window.addEventListener('offline', update);
    inject(DestroyRef).onDestroy(() => {
      window.removeEventListener('online', update);
      window.removeEventListener('offline', update);
    });
  }
}
