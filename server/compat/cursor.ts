// The deep-paging extension: an opaque cursor instead of a page number. It holds the position
// and the data version it was issued for, so a walk never silently mixes two versions of the data.
import { createHash } from 'node:crypto';
import { CompatParameterError } from './api.js';

const tag = (version: string) => createHash('sha256').update(version).digest('base64url').slice(0, 10);

export function encodeCursor(offset: number, version: string): string {
  return Buffer.from(JSON.stringify({ o: offset, v: tag(version) })).toString('base64url');
}

/** `*` (or empty) starts at the beginning. */
export function decodeCursor(token: string, version: string): number {
  if (token === '*' || token === '') return 0;
  let value: unknown;
  try { value = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')); } catch { value = undefined; }
  const { o, v } = (value ?? {}) as { o?: unknown; v?: unknown };
  if (typeof o !== 'number' || !Number.isSafeInteger(o) || o < 0 || typeof v !== 'string') {
    throw new CompatParameterError('cursor', 'curseur illisible ; cursor=* commence un parcours, puis suivez les liens next');
  }
  if (v !== tag(version)) throw new CompatParameterError('cursor', 'les données ont été mises à jour depuis ce curseur ; recommencez le parcours avec cursor=*');
  return o;
}
