import { InvalidParameterValue } from '../errors.js';

export const DEFAULT_LIMIT = 10;
export const MAX_LIMIT = 10000;

function integer(name: string, raw: string): number {
  if (!/^\s*\d+\s*$/.test(raw)) throw new InvalidParameterValue(name, `« ${raw} » n'est pas un entier positif`);
  const value = Number(raw);
  if (!Number.isSafeInteger(value)) throw new InvalidParameterValue(name, `« ${raw} » est trop grand`);
  return value;
}

/** limit: default 10; values above the maximum are clamped (OGC API – Features 7.15.3). */
export function parseLimit(raw: string | undefined, max = MAX_LIMIT): number {
  if (raw === undefined) return DEFAULT_LIMIT;
  const value = integer('limit', raw);
  if (value < 1) throw new InvalidParameterValue('limit', 'doit être au moins 1');
  return Math.min(value, max);
}

export function parseOffset(raw: string | undefined): number {
  return raw === undefined ? 0 : integer('offset', raw);
}
