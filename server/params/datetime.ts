import { InvalidParameterValue } from '../errors.js';

/** An interval in epoch milliseconds; null ends are open. */
export interface Interval { start: number | null; end: number | null }

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

function instant(raw: string, end: boolean): number {
  if (DATE.test(raw)) {
    const ms = Date.parse(`${raw}T00:00:00Z`);
    if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== raw) throw new InvalidParameterValue('datetime', `date « ${raw} » invalide`);
    // A date alone covers its whole day.
    return end ? ms + 86_399_999 : ms;
  }
  if (DATETIME.test(raw)) {
    const ms = Date.parse(raw);
    if (!Number.isNaN(ms)) return ms;
  }
  throw new InvalidParameterValue('datetime', `« ${raw} » n'est ni une date (AAAA-MM-JJ) ni un horodatage RFC 3339`);
}

/** datetime: an instant, a closed interval, or a half-open one with '..' (or empty). */
export function parseDatetime(raw: string | undefined): Interval | undefined {
  if (raw === undefined) return undefined;
  const parts = raw.split('/');
  if (parts.length === 1) {
    if (parts[0] === '..' || parts[0] === '') throw new InvalidParameterValue('datetime', 'un instant ne peut pas être ouvert');
    return { start: instant(parts[0], false), end: instant(parts[0], true) };
  }
  if (parts.length !== 2) throw new InvalidParameterValue('datetime', `« ${raw} » : un instant ou un intervalle début/fin attendu`);
  const open = (p: string) => p === '..' || p === '';
  const start = open(parts[0]) ? null : instant(parts[0], false);
  const end = open(parts[1]) ? null : instant(parts[1], true);
  if (start === null && end === null) throw new InvalidParameterValue('datetime', "l'intervalle ne peut pas être ouvert aux deux bouts");
  if (start !== null && end !== null && start > end) throw new InvalidParameterValue('datetime', 'le début est après la fin');
  return { start, end };
}
