// The standard parts served with the domain's configuration (tiles coloured by usage…).
import { defaultParts } from '../server/app.js';
import type { ApiPart } from '../server/part.js';
import { wfsPart } from '../server/wfs/index.js';
import { WFS_OPTIONS } from './service.js';
import { TILES_OPTIONS } from './style.js';

/** defaultParts() already holds the tiles part: configured here rather than added twice; WFS with the BNPE namespace. */
export function domainParts(): ApiPart[] {
  return [...defaultParts(TILES_OPTIONS), wfsPart(WFS_OPTIONS)];
}
