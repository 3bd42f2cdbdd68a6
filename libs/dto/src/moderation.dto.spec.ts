import { MuteBodyDto, ReportBodyDto, ReportsQueryDto, ResolveReportBodyDto } from './moderation.dto';
import { validatePayload } from './validation';

describe('moderation DTOs (SPEC §8)', () => {
  const userId = '65f0c0ffee0123456789abcd';

  it.each([
    [{ userId }, true],
    [{ userId, durationSec: 1 }, true],
    [{ userId, durationSec: 31_536_000 }, true],
    [{ userId, durationSec: 31_536_001 }, false],
    [{ userId, durationSec: 0 }, false],
    [{ userId, durationSec: -60 }, false],
    [{ userId, durationSec: 2.5 }, false],
    [{ userId, durationSec: '60' }, false],
    [{ userId, durationSec: Number.MAX_SAFE_INTEGER }, false],
    [{ userId, durationSec: 1e21 }, false],
    [{ userId, reason: 'spamming links' }, true],
    [{ userId, reason: '刷屏 🙃' }, true],
    [{ userId, reason: 'r'.repeat(1000) }, true],
    [{ userId, reason: 'r'.repeat(1001) }, false],
    [{ userId, reason: 'r'.repeat(4000) }, false],
    [{ userId, reason: 'abc\u202Eexe' }, false],
    [{ userId, reason: 'isolate \u2067x\u2069' }, false],
    [{ userId, reason: 'zero\u200Bwidth' }, false],
    [{ userId, reason: 'line\nbreak' }, false],
    [{ userId, reason: '   ' }, false],
    [{ userId: 'no spaces allowed' }, false],
    [{}, false],
  ])('POST /api/rooms/:id/mutes %j → valid: %s', (body, ok) => {
    expect(validatePayload(MuteBodyDto, body).ok).toBe(ok);
  });

  it('a report needs a reason (trimmed, 1–1000 characters, no control or bidi characters)', () => {
    expect(validatePayload(ReportBodyDto, { reason: '  insults ' })).toEqual({
      ok: true,
      value: expect.objectContaining({ reason: 'insults' }),
    });
    for (const reason of ['', ' ', 'x'.repeat(1001), 'a\u0000b', 'a\u061Cb', 42, null])
      expect(validatePayload(ReportBodyDto, { reason }).ok).toBe(false);
    expect(validatePayload(ReportBodyDto, {}).ok).toBe(false);
  });

  it('resolving takes one of four actions; durationSec and note as for mutes', () => {
    for (const action of ['dismiss', 'delete', 'mute', 'ban'])
      expect(validatePayload(ResolveReportBodyDto, { action }).ok).toBe(true);
    expect(validatePayload(ResolveReportBodyDto, { action: 'mute', durationSec: 600, note: 'ok' }).ok).toBe(true);
    expect(validatePayload(ResolveReportBodyDto, { action: 'kick' }).ok).toBe(false);
    expect(validatePayload(ResolveReportBodyDto, { action: 'mute', durationSec: -1 }).ok).toBe(false);
    expect(validatePayload(ResolveReportBodyDto, { action: 'mute', note: '\u202D' }).ok).toBe(false);
  });

  it('the queue: status open or resolved, a cursor answered before, a bounded page', () => {
    expect(validatePayload(ReportsQueryDto, { status: 'resolved', limit: '20' }).ok).toBe(true);
    expect(validatePayload(ReportsQueryDto, { status: 'all' }).ok).toBe(false);
    expect(validatePayload(ReportsQueryDto, { limit: '101' }).ok).toBe(false);
    expect(validatePayload(ReportsQueryDto, { cursor: '%%' }).ok).toBe(false);
  });
});
