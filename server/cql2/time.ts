// Instants as epoch milliseconds (UTC). Dates are day-granular: kept as the
// midnight that starts the day, and widened to the whole day only when they
// meet a timestamp (see temporal.ts).

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIMESTAMP_RE = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

export const DAY_MS = 86_400_000;

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
// Validated without allocating a Date: called per feature.
export function ymd(y: number, m: number, d: number): number {
  if (m < 1 || m > 12 || d < 1) return NaN;
  const leap = m === 2 && (y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0));
  if (d > MONTH_DAYS[m - 1] + (leap ? 1 : 0)) return NaN;
  // Days from 1970-01-01 in the proleptic Gregorian calendar (H. Hinnant's days_from_civil).
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * ((m + 9) % 12) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return (era * 146_097 + doe - 719_468) * DAY_MS;
}

/** 'YYYY-MM-DD' → epoch ms of its midnight UTC, NaN when not a real date. */
export function parseDate(s: string): number {
  const m = DATE_RE.exec(s);
  return m ? ymd(+m[1], +m[2], +m[3]) : NaN;
}

/** RFC 3339 date-time ('…Z' or with offset) → epoch ms, NaN when invalid. */
export function parseTimestamp(s: string): number {
  const m = TIMESTAMP_RE.exec(s);
  if (!m) return NaN;
  const day = ymd(+m[1], +m[2], +m[3]);
  const h = +m[4], mi = +m[5], sec = +m[6];
  if (Number.isNaN(day) || h > 23 || mi > 59 || sec > 60) return NaN;
  const frac = m[7] ? Math.round(Number(m[7]) * 1000) : 0;
  let offset = 0;
  const z = m[8];
  if (z !== 'Z' && z !== 'z') offset = (z[0] === '-' ? -1 : 1) * ((+z.slice(1, 3)) * 60 + +z.slice(4, 6)) * 60_000;
  return day + ((h * 60 + mi) * 60 + Math.min(sec, 59)) * 1000 + frac - offset;
}

export function isDateString(s: string): boolean {
  return !Number.isNaN(parseDate(s));
}

export function isTimestampString(s: string): boolean {
  return !Number.isNaN(parseTimestamp(s));
}

/**
 * A value read from a feature, as an instant. Writes ms to out[0] and returns
 * 2 for a day-granular date, 1 for a timestamp, 0 when null or unreadable.
 */
export function readInstant(v: unknown, out: Float64Array, i: number): number {
  if (v == null) return 0;
  if (typeof v === 'string') {
    if (v.length === 10) {
      const ms = fastDate(v);
      if (ms === ms) { out[i] = ms; return 2; }
      return 0;
    }
    const ms = parseTimestamp(v);
    if (ms === ms) { out[i] = ms; return 1; }
    const loose = Date.parse(v);
    if (loose === loose) { out[i] = loose; return 1; }
    return 0;
  }
  if (typeof v === 'number') { out[i] = v; return Number.isFinite(v) ? 1 : 0; }
  if (v instanceof Date) { const ms = v.getTime(); out[i] = ms; return ms === ms ? 1 : 0; }
  return 0;
}

// 'YYYY-MM-DD' without a regexp: property values are read per feature.
function fastDate(s: string): number {
  const c = (k: number): number => s.charCodeAt(k) - 48;
  if (s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return NaN;
  const y = c(0) * 1000 + c(1) * 100 + c(2) * 10 + c(3);
  const m = c(5) * 10 + c(6);
  const d = c(8) * 10 + c(9);
  if (!(y >= 0 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 && d <= 31)) return NaN;
  return ymd(y, m, d);
}
