import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { base64UrlToBytes, PUSH_API, PUSH_WORKER_URL, PushBrowser, WebPushService } from './web-push.service';

const KEY = 'BAECAwQ'; // bytes 4, 1, 2, 3, 4

function fakeBrowser(permission: NotificationPermission, calls: string[]): PushBrowser {
  return {
    supported: () => true,
    workerSupported: () => true,
    requestPermission: async () => {
      calls.push('permission');
      return permission;
    },
    register: async (url) => {
      calls.push(`register ${url}`);
      return {
        pushManager: {
          subscribe: async (opts?: PushSubscriptionOptionsInit) => {
            calls.push(`subscribe ${Array.from(opts!.applicationServerKey as Uint8Array).join(',')}`);
            return {
              toJSON: () => ({ endpoint: 'https://push.example/1', keys: { p256dh: 'p', auth: 'a' } }),
            } as unknown as PushSubscription;
          },
        } as unknown as PushManager,
      };
    },
  };
}

describe('WebPushService', () => {
  let service: WebPushService;
  let http: HttpTestingController;

  beforeEach(() => {
    TestBed.configureTestingModule({ providers: [provideHttpClient(), provideHttpClientTesting()] });
    service = TestBed.inject(WebPushService);
    http = TestBed.inject(HttpTestingController);
  });

  afterEach(() => http.verify());

  it('decodes base64url keys', () => {
    expect(Array.from(base64UrlToBytes(KEY))).toEqual([4, 1, 2, 3, 4]);
    expect(Array.from(base64UrlToBytes('-_8'))).toEqual([251, 255]);
  });

  it('asks permission first, then registers the worker, subscribes with the VAPID key and posts the subscription', async () => {
    const calls: string[] = [];
    service.browser = fakeBrowser('granted', calls);
    const done = service.enable();
    await vi.waitFor(() => http.expectOne(PUSH_API.vapidKey).flush({ publicKey: KEY }));
    await vi.waitFor(() => {
      const post = http.expectOne(PUSH_API.subscriptions);
      expect(post.request.method).toBe('POST');
      expect(post.request.body).toEqual({ endpoint: 'https://push.example/1', keys: { p256dh: 'p', auth: 'a' } });
      post.flush({});
    });
    expect(await done).toBe('enabled');
    expect(calls).toEqual(['permission', `register ${PUSH_WORKER_URL}`, 'subscribe 4,1,2,3,4']);
  });

  it('registers the worker on a visit without asking for permission; quiet when it cannot', async () => {
    const calls: string[] = [];
    service.browser = fakeBrowser('granted', calls);
    expect(await service.registerWorker()).toBe(true);
    expect(calls).toEqual([`register ${PUSH_WORKER_URL}`]);
    service.browser = { ...fakeBrowser('granted', calls), workerSupported: () => false };
    expect(await service.registerWorker()).toBe(false);
    service.browser = {
      ...fakeBrowser('granted', calls),
      register: () => Promise.reject(new Error('insecure context')),
    };
    expect(await service.registerWorker()).toBe(false);
    expect(calls).toEqual([`register ${PUSH_WORKER_URL}`]);
  });

  it('stops when permission is refused, and says when push is not supported', async () => {
    const calls: string[] = [];
    service.browser = fakeBrowser('denied', calls);
    expect(await service.enable()).toBe('denied');
    expect(calls).toEqual(['permission']);
    service.browser = { ...fakeBrowser('granted', calls), supported: () => false };
    expect(await service.enable()).toBe('unsupported');
  });

  it('reports a failure when the server refuses the subscription', async () => {
    service.browser = fakeBrowser('granted', []);
    const done = service.enable();
    await vi.waitFor(() => http.expectOne(PUSH_API.vapidKey).flush({ publicKey: KEY }));
    await vi.waitFor(() =>
      http.expectOne(PUSH_API.subscriptions).flush({ message: 'no' }, { status: 400, statusText: 'Bad Request' }),
    );
    expect(await done).toBe('failed');
  });
});
