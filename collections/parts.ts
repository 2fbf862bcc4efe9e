// The standard parts served with the domain's configuration (tiles coloured by usage…), and the
// Hub'Eau-compatible API.
import { defaultParts } from '../server/app.js';
import { compatPart } from '../server/compat/part.js';
import type { ApiPart } from '../server/part.js';
import type { TilesOptions } from '../server/routes/tiles.js';
import { hubeauApi, type HubeauOptions } from './hubeau/mapping.js';
import { wfsPart } from '../server/wfs/index.js';
import { WFS_OPTIONS } from './service.js';
import { TILES_OPTIONS } from './style.js';

/** defaultParts() already holds the tiles part: configured here rather than added twice; WFS with the BNPE namespace. */
export function domainParts(options: { hubeau?: HubeauOptions; pageCacheBytes?: number; basemap?: TilesOptions['basemap'] } = {}): ApiPart[] {
  return [...defaultParts({ ...TILES_OPTIONS, basemap: options.basemap ?? TILES_OPTIONS.basemap }), compatPart(hubeauApi(options.hubeau), { pageCacheBytes: options.pageCacheBytes }), wfsPart(WFS_OPTIONS)];
}
