// The standard parts served with the domain's configuration (tiles coloured by usage…).
import { defaultParts } from '../server/app.js';
import type { ApiPart } from '../server/part.js';
import { TILES_OPTIONS } from './style.js';

/** defaultParts() already holds the tiles part: configured here rather than added twice. */
export function domainParts(): ApiPart[] {
  return defaultParts(TILES_OPTIONS);
}
