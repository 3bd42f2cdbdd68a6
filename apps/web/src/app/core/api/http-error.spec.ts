import { HttpErrorResponse, HttpHeaders } from '@angular/common/http';
import { httpErrorMessage, httpStatus, retryAfterSeconds } from './http-error';

describe('http-error', () => {
  it("takes the server's message, a list joined", () => {
    expect(httpErrorMessage(new HttpErrorResponse({ status: 400, error: { message: 'name is too long' } }))).toBe(
      'name is too long',
    );
    expect(httpErrorMessage(new HttpErrorResponse({ status: 400, error: { message: ['a', 'b'] } }))).toBe('a, b');
    expect(httpErrorMessage(new HttpErrorResponse({ status: 500, error: 'oops' }))).toBeNull();
    expect(httpErrorMessage(new Error('x'))).toBeNull();
  });

  it("never shows the browser's own text for a network failure (offline: 'Failed to fetch')", () => {
    const offline = new HttpErrorResponse({ status: 0, error: new TypeError('Failed to fetch') });
    expect(httpErrorMessage(offline)).toBeNull();
    expect(httpStatus(offline)).toBe(0);
  });

  it('reads Retry-After in seconds', () => {
    const headers = new HttpHeaders({ 'Retry-After': '2.5' });
    expect(retryAfterSeconds(new HttpErrorResponse({ status: 429, headers }))).toBe(3);
    expect(retryAfterSeconds(new HttpErrorResponse({ status: 429 }))).toBeNull();
  });
});
