import { BusResult } from '@hihi/contracts';
import { busErrorToHttp } from '../common/bus-http';

/** A bus answer's data, or the HTTP error (docs/api.md) for its error code (via the shared mapping). */
export function unwrap<T>(result: BusResult<T>): T {
  if (result.ok) return result.data;
  throw busErrorToHttp(result.error);
}
