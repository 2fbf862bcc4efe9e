import { InvalidParameterValue } from '../errors.js';
import type { Rect } from '../types.js';

/** bbox: 4 or 6 numbers (the vertical part of 6 is ignored: storage is 2D). */
export function parseBbox(raw: string | undefined, name = 'bbox'): Rect | undefined {
  if (raw === undefined) return undefined;
  const parts = raw.split(',');
  if (parts.length !== 4 && parts.length !== 6) {
    throw new InvalidParameterValue(name, `4 ou 6 nombres séparés par des virgules attendus, ${parts.length} reçus`);
  }
  const numbers = parts.map((p) => {
    const value = p.trim() === '' ? NaN : Number(p);
    if (!Number.isFinite(value)) throw new InvalidParameterValue(name, `« ${p} » n'est pas un nombre`);
    return value;
  });
  const [minX, minY, maxX, maxY] = parts.length === 4 ? numbers : [numbers[0], numbers[1], numbers[3], numbers[4]];
  if (minY > maxY) throw new InvalidParameterValue(name, 'la borne sud dépasse la borne nord');
  return { minX, minY, maxX, maxY };
}

/** Splits a box crossing the antimeridian (minX > maxX) into two, as Part 1 allows. */
export function splitAntimeridian(rect: Rect): Rect[] {
  if (rect.minX <= rect.maxX) return [rect];
  return [{ ...rect, maxX: 180 }, { ...rect, minX: -180 }];
}
