import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { AuthService } from '../auth/auth.service';
import { UploadError, type UploadEvent, UploadService, formatBytes, isInlineImage, uploadPath } from './upload.service';

/** A scripted XMLHttpRequest: the test plays the server. */
class FakeXhr {
  static last: FakeXhr;
  readonly upload: { onprogress: ((e: ProgressEvent) => void) | null } = { onprogress: null };
  onload: (() => void) | null = null;
  onerror: (() => void) | null = null;
  readyState = 0;
  status = 0;
  responseText = '';
  method = '';
  url = '';
  headers: Record<string, string> = {};
  body: unknown = null;
  aborted = false;
  constructor() {
    FakeXhr.last = this;
  }
  open(method: string, url: string) {
    this.method = method;
    this.url = url;
    this.readyState = 1;
  }
  setRequestHeader(name: string, value: string) {
    this.headers[name] = value;
  }
  send(body: unknown) {
    this.body = body;
  }
  abort() {
    this.aborted = true;
  }
  respond(status: number, body: unknown) {
    this.readyState = 4;
    this.status = status;
    this.responseText = JSON.stringify(body);
    this.onload?.();
  }
}

describe('UploadService', () => {
  let service: UploadService;
  const realXhr = globalThis.XMLHttpRequest;

  beforeEach(() => {
    Object.assign(FakeXhr, { UNSENT: 0, DONE: 4 });
    globalThis.XMLHttpRequest = FakeXhr as unknown as typeof XMLHttpRequest;
    TestBed.configureTestingModule({
      providers: [
        provideHttpClient(),
        provideHttpClientTesting(),
        { provide: AuthService, useValue: { validAccessToken: () => Promise.resolve('tok') } },
      ],
    });
    service = TestBed.inject(UploadService);
  });

  afterEach(() => {
    globalThis.XMLHttpRequest = realXhr;
  });

  const flush = () => new Promise((r) => setTimeout(r));

  it('posts the file as multipart field "file" with the bearer token and reports progress then the attachment', async () => {
    const events: UploadEvent[] = [];
    const file = new File(['hello'], 'duck.png', { type: 'image/png' });
    service.upload(file).subscribe((e) => events.push(e));
    await flush();
    const xhr = FakeXhr.last;
    expect([xhr.method, xhr.url, xhr.headers['Authorization']]).toEqual(['POST', '/api/uploads', 'Bearer tok']);
    expect((xhr.body as FormData).get('file')).toBeInstanceOf(File);
    xhr.upload.onprogress?.({ lengthComputable: true, loaded: 25, total: 100 } as ProgressEvent);
    const attachment = { id: 'u1', name: 'duck.png', size: 5, contentType: 'image/png', url: '/api/uploads/u1' };
    xhr.respond(201, attachment);
    expect(events).toEqual([
      { kind: 'progress', fraction: 0.25 },
      { kind: 'progress', fraction: 1 },
      { kind: 'done', attachment },
    ]);
  });

  it('fails with the HTTP status and aborts when unsubscribed', async () => {
    let error: unknown;
    service.upload(new File(['x'], 'a.html')).subscribe({ error: (e: unknown) => (error = e) });
    await flush();
    FakeXhr.last.respond(415, { statusCode: 415 });
    expect(error).toBeInstanceOf(UploadError);
    expect((error as UploadError).status).toBe(415);

    const sub = service.upload(new File(['x'], 'b.png')).subscribe();
    await flush();
    sub.unsubscribe();
    expect(FakeXhr.last.aborted).toBe(true);
  });

  it('fetches the bytes of an upload as a blob', async () => {
    const http = TestBed.inject(HttpTestingController);
    const got = service.blob({ id: 'u 1', url: 'https://evil.example/x' });
    const req = http.expectOne('/api/uploads/u%201');
    expect(req.request.responseType).toBe('blob');
    req.flush(new Blob(['x']));
    expect(await got).toBeInstanceOf(Blob);
  });

  it('helpers: paths, image types, sizes', () => {
    expect(uploadPath({ id: 'a', url: '/api/uploads/a' })).toBe('/api/uploads/a');
    expect(isInlineImage({ contentType: 'image/webp' })).toBe(true);
    expect(isInlineImage({ contentType: 'image/svg+xml' })).toBe(false);
    expect([formatBytes(10), formatBytes(2048), formatBytes(3 * 1024 * 1024)]).toEqual(['10 B', '2.0 KB', '3.0 MB']);
  });
});
