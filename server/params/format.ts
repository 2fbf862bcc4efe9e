import type { Request } from 'express';
import { NotAcceptable } from '../errors.js';

export interface FormatChoice { key: string; mediaType: string }

/**
 * Picks a format among those a resource offers: `f` wins, then the Accept header (q-values
 * honoured), then the first offered format. Unknown `f` or nothing acceptable gives 406.
 */
export function negotiate(req: Request, offered: FormatChoice[]): FormatChoice {
  const f = req.query.f;
  if (typeof f === 'string') {
    const hit = offered.find((o) => o.key === f.toLowerCase() || o.mediaType === f);
    if (!hit) throw new NotAcceptable(offered.map((o) => o.key));
    return hit;
  }
  if (f !== undefined) throw new NotAcceptable(offered.map((o) => o.key));
  const accept = req.headers.accept;
  if (!accept) return offered[0];
  const ranges = accept.split(',').map((part, order) => {
    const [type, ...params] = part.trim().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    return { type: type.trim().toLowerCase(), q: q ? Number(q.slice(2)) : 1, order };
  }).filter((r) => r.q > 0).sort((a, b) => b.q - a.q || a.order - b.order);
  for (const range of ranges) {
    if (range.type === '*/*') return offered[0];
    // Offered types may carry parameters (OpenAPI's `;version=3.0`): type and subtype decide.
    const hit = offered.find((o) => o.mediaType === range.type || o.mediaType.split(';')[0].trim().toLowerCase() === range.type ||
      (range.type.endsWith('/*') && o.mediaType.startsWith(range.type.slice(0, -1))) ||
      // application/json is served by the GeoJSON variant where there is no plain JSON one.
      (range.type === 'application/json' && o.key === 'json'));
    if (hit) return hit;
  }
  throw new NotAcceptable(offered.map((o) => o.key));
}

/**
 * For documents that are JSON first (JSON Schema, tile matrix sets): HTML when `f=html` or when
 * Accept prefers text/html (a browser), JSON otherwise, whatever else Accept says, so clients
 * sending an unusual Accept keep getting the document. An unknown `f` is still 406.
 */
export function wantsHtml(req: Request, jsonMediaType = 'application/json'): boolean {
  try {
    return negotiate(req, [{ key: 'json', mediaType: jsonMediaType }, { key: 'html', mediaType: 'text/html' }]).key === 'html';
  } catch (error) {
    if (req.query.f !== undefined) throw error;
    return false;
  }
}
