import type { AccountRole } from '@hihi/contracts';
import { httpErrorMessage, httpStatus } from '../core/api/http-error';
import type { I18nKey } from '../core/i18n/i18n.dictionary';
import type { I18nService } from '../core/i18n/i18n.service';

/** What a failed admin call says to the person: refused, offline, or the server's message. */
export function adminError(i18n: I18nService, err: unknown): string {
  const status = httpStatus(err);
  if (status === 403) return i18n.t('admin.forbidden');
  if (status === 0) return i18n.t('error.network');
  return i18n.t('admin.failed', { message: httpErrorMessage(err) ?? String(status) });
}

/** The translated name of a server role. */
export function serverRoleLabel(i18n: I18nService, role: AccountRole): string {
  return i18n.t(`srole.${role}` as I18nKey);
}

/** A date and time in the reader's language (times are ISO-8601 UTC on the wire). */
export function formatWhen(i18n: I18nService, iso: string | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return new Intl.DateTimeFormat(i18n.locale(), { dateStyle: 'medium', timeStyle: 'short' }).format(d);
}
