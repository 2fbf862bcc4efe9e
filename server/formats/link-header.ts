// Paging of item pages in formats without links in their body (FlatGeobuf, CSV, GeoJSON text
// sequences): an HTTP Link header (RFC 8288), as QGIS Server does for FlatGeobuf and as QGIS's
// OAPIF provider follows when it pages in FlatGeobuf.
import type { Feature } from '../types.js';
import type { Link } from './geojson.js';

/** `Link` header value: `<href>; rel="next"; type="…"` entries (hrefs are built from the validated base URL). */
export function linkHeader(links: Link[]): string {
  return links.map((l) => `<${l.href}>; rel="${l.rel}"${l.type ? `; type="${l.type}"` : ''}`).join(', ');
}

/**
 * Reads a page asked with one feature more than `limit`: whether another page follows is then
 * known before the first byte (the headers go first). A page holds at most MAX_LIMIT features.
 */
export async function peekPage(features: AsyncIterable<Feature>, limit: number): Promise<{ features: AsyncIterable<Feature>; more: boolean }> {
  const kept: Feature[] = [];
  for await (const feature of features) kept.push(feature);
  const more = kept.length > limit;
  if (more) kept.length = limit;
  return { features: (async function* () { yield* kept; })(), more };
}
