import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import type { Attachment } from '@hihi/contracts';
import { Observable, firstValueFrom } from 'rxjs';
import { AuthService } from '../auth/auth.service';

/** What an upload reports: progress (0–1) while sending, then the stored attachment. */
export type UploadEvent = { kind: 'progress'; fraction: number } | { kind: 'done'; attachment: Attachment };

/** The API path of an upload; only same-origin `/api/uploads/…` paths are ever fetched. */
export function uploadPath(a: Pick<Attachment, 'id' | 'url'>): string {
  return a.url?.startsWith('/api/uploads/') ? a.url : `/api/uploads/${encodeURIComponent(a.id)}`;
}

/** A refused or failed upload: `status` is the HTTP status (0: network error). */
export class UploadError extends Error {
  constructor(readonly status: number) {
    super(`upload failed (${status})`);
    this.name = 'UploadError';
  }
}

/** The four image types the server re-encodes and serves inline. */
const INLINE_IMAGES = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp']);

export function isInlineImage(a: Pick<Attachment, 'contentType'>): boolean {
  return INLINE_IMAGES.has(a.contentType);
}

/** "12.3 KB" style size. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '';
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/**
 * POST /api/uploads and GET /api/uploads/:id (docs/api.md "Uploads"). The auth interceptor adds
 * the bearer token, which is why files are fetched as blobs instead of linked directly.
 */
@Injectable({ providedIn: 'root' })
export class UploadService {
  private readonly http = inject(HttpClient);

  private readonly auth = inject(AuthService);

  /**
   * Sends one file with XMLHttpRequest (fetch reports no upload progress); unsubscribing aborts
   * the request. Fails with an UploadError.
   */
  upload(file: File): Observable<UploadEvent> {
    return new Observable<UploadEvent>((subscriber) => {
      const xhr = new XMLHttpRequest();
      let closed = false;
      xhr.upload.onprogress = (e) => {
        const total = e.lengthComputable ? e.total : file.size;
        subscriber.next({ kind: 'progress', fraction: total > 0 ? Math.min(1, e.loaded / total) : 0 });
      };
      xhr.onload = () => {
        if (xhr.status === 201 || xhr.status === 200) {
          try {
            const attachment = JSON.parse(xhr.responseText) as Attachment;
            subscriber.next({ kind: 'progress', fraction: 1 });
            subscriber.next({ kind: 'done', attachment });
            subscriber.complete();
          } catch {
            subscriber.error(new UploadError(xhr.status));
          }
        } else subscriber.error(new UploadError(xhr.status));
      };
      xhr.onerror = () => subscriber.error(new UploadError(0));
      void this.auth.validAccessToken().then(
        (token) => {
          if (closed) return;
          const body = new FormData();
          body.append('file', file, file.name);
          xhr.open('POST', '/api/uploads');
          if (token) xhr.setRequestHeader('Authorization', `Bearer ${token}`);
          xhr.send(body);
        },
        () => subscriber.error(new UploadError(401)),
      );
      return () => {
        closed = true;
        if (xhr.readyState !== XMLHttpRequest.DONE && xhr.readyState !== XMLHttpRequest.UNSENT) xhr.abort();
      };
    });
  }

  /** The bytes of an upload, fetched with the token. */
  blob(a: Pick<Attachment, 'id' | 'url'>): Promise<Blob> {
    return firstValueFrom(this.http.get(uploadPath(a), { responseType: 'blob' }));
  }
}
