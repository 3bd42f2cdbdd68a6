import { TestBed } from '@angular/core/testing';
import { ChatStatus, NOTICE_MS } from './status.store';

describe('ChatStatus', () => {
  it('shows a notice for a while; a newer one restarts the wait', () => {
    vi.useFakeTimers();
    try {
      TestBed.configureTestingModule({ providers: [ChatStatus] });
      const status = TestBed.inject(ChatStatus);
      status.showNotice('one');
      vi.advanceTimersByTime(NOTICE_MS - 100);
      status.showNotice('two');
      vi.advanceTimersByTime(200);
      expect(status.notice()).toBe('two');
      vi.advanceTimersByTime(NOTICE_MS);
      expect(status.notice()).toBeNull();
      status.showNotice('three');
      status.stop();
      vi.advanceTimersByTime(NOTICE_MS);
      expect(status.notice()).toBe('three'); // stopped: no timer left running
    } finally {
      vi.useRealTimers();
    }
  });
});
