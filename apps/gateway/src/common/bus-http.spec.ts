import { ApiHttpException, busErrorToHttp, unwrap } from './bus-http';

describe('unwrap (bus result → HTTP)', () => {
  it('returns the data of an ok result', () => {
    expect(unwrap({ ok: true, data: { a: 1 } })).toEqual({ a: 1 });
  });

  it.each([
    ['validation', 400, 'Bad Request'],
    ['unauthorized', 401, 'Unauthorized'],
    ['forbidden', 403, 'Forbidden'],
    ['not_found', 404, 'Not Found'],
    ['conflict', 409, 'Conflict'],
    ['rate_limited', 429, 'Too Many Requests'],
    ['unavailable', 503, 'Service Unavailable'],
  ] as const)('%s → %i in the error shape of docs/api.md', (code, status, error) => {
    let thrown: unknown;
    try {
      unwrap({ ok: false, error: { code, message: 'msg' } });
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(ApiHttpException);
    const e = thrown as ApiHttpException;
    expect(e.getStatus()).toBe(status);
    expect(e.getResponse()).toEqual({ statusCode: status, error, message: 'msg' });
  });

  it('sets Retry-After from retryAfterSec, and honours a service-given status', () => {
    const e = busErrorToHttp({ code: 'rate_limited', message: 'slow down', retryAfterSec: 12.2 });
    expect(e.headers).toEqual({ 'Retry-After': '13' });
    expect(busErrorToHttp({ code: 'validation', message: 'too big', status: 413 }).getStatus()).toBe(413);
    expect(busErrorToHttp({ code: 'validation', message: 'x', status: 200 }).getStatus()).toBe(400);
  });
});
