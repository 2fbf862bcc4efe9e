// Area polygons for the aggregates, from GeoJSON files whose features carry an INSEE `code`
// (ADMIN EXPRESS, france-geojson…). A file's level is given (`regions=FILE`) or recognised from its
// codes and names. Commune polygons of former communes are merged into their current commune and,
// when no EPCI file is given, EPCI polygons are the union of their member communes.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { AggregateLevel } from '../definitions/volumes.js';
import { IngestError } from '../ingest/errors.js';
import type { AdminAreas } from './areas.js';
import { dissolve, type MultiPolygonCoords } from './dissolve.js';

export type BoundaryMaps = Map<AggregateLevel, Map<string, MultiPolygonCoords>>;

const LEVEL_NAMES: Record<string, AggregateLevel> = { communes: 'communes', epci: 'epci', departements: 'departements', regions: 'regions' };

interface BoundaryFeature { code: string; nom: string | null; polygons: MultiPolygonCoords }

function files(spec: string): string[] {
  let info;
  try { info = statSync(spec); } catch { throw new IngestError(`${spec} : fichier de limites introuvable`); }
  if (!info.isDirectory()) return [spec];
  return readdirSync(spec).filter((f) => /\.(geo)?json$/i.test(f)).sort().map((f) => join(spec, f));
}

function readFeatures(path: string): BoundaryFeature[] {
  let doc: { features?: { properties?: Record<string, unknown>; geometry?: { type: string; coordinates: unknown } | null }[] };
  try {
    doc = JSON.parse(readFileSync(path, 'utf8').replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new IngestError(`${path} : limites illisibles (${(error as Error).message})`, { cause: error });
  }
  if (!Array.isArray(doc?.features)) throw new IngestError(`${path} : pas une FeatureCollection GeoJSON`);
  const out: BoundaryFeature[] = [];
  for (const f of doc.features) {
    const code = f.properties?.code;
    const g = f.geometry;
    if (code === undefined || code === null || !g) continue;
    const polygons = g.type === 'Polygon' ? [g.coordinates as MultiPolygonCoords[number]] : g.type === 'MultiPolygon' ? (g.coordinates as MultiPolygonCoords) : null;
    if (polygons) out.push({ code: String(code), nom: typeof f.properties?.nom === 'string' ? f.properties.nom : null, polygons });
  }
  if (out.length === 0) throw new IngestError(`${path} : aucune entité avec une propriété « code » et un polygone`);
  return out;
}

const simple = (s: string) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[^a-z0-9]/gi, '').toLowerCase();

/** Level of a file from its codes: 9 digits EPCI, 5 characters commune; régions and départements by name. */
function detectLevel(features: BoundaryFeature[], admin: AdminAreas): AggregateLevel {
  if (features.every((f) => /^\d{9}$/.test(f.code))) return 'epci';
  if (features.every((f) => /^\d[\dAB]\d{3}$/.test(f.code))) return 'communes';
  let region = 0, departement = 0;
  for (const f of features) {
    const r = admin.regions.get(f.code), d = admin.departements.get(f.code);
    if (f.nom && r && simple(r.nom) === simple(f.nom)) region++;
    else if (f.nom && d && simple(d.nom) === simple(f.nom)) departement++;
    else if (!r) departement++;
  }
  return region > departement ? 'regions' : 'departements';
}

export function loadBoundaries(specs: string[], admin: AdminAreas): BoundaryMaps {
  const raw = new Map<AggregateLevel, Map<string, MultiPolygonCoords[]>>();
  for (const spec of specs) {
    const m = /^([a-z]+)=(.+)$/.exec(spec);
    const given = m && LEVEL_NAMES[m[1]] ? LEVEL_NAMES[m[1]] : undefined;
    if (m && !given && !/^[a-z]:/i.test(spec)) throw new IngestError(`${spec} : niveau inconnu « ${m[1]} » (communes, epci, departements ou regions)`);
    for (const path of files(given ? m![2] : spec)) {
      const features = readFeatures(path);
      const level = given ?? detectLevel(features, admin);
      let byCode = raw.get(level);
      if (!byCode) raw.set(level, (byCode = new Map()));
      for (const f of features) {
        const list = byCode.get(f.code);
        if (list) list.push(f.polygons);
        else byCode.set(f.code, [f.polygons]);
      }
    }
  }
  const out: BoundaryMaps = new Map();
  for (const [level, byCode] of raw) {
    if (level !== 'communes') {
      out.set(level, new Map([...byCode].map(([code, parts]) => [code, dissolve(parts)])));
      continue;
    }
    // Former communes (COG of an older year) are merged into the commune they now belong to.
    const grouped = new Map<string, MultiPolygonCoords[]>();
    for (const [code, parts] of byCode) {
      const current = admin.commune(code)?.code ?? code;
      const list = grouped.get(current);
      if (list) list.push(...parts);
      else grouped.set(current, [...parts]);
    }
    out.set('communes', new Map([...grouped].map(([code, parts]) => [code, dissolve(parts)])));
  }
  const communes = out.get('communes');
  if (communes && !out.has('epci')) {
    const epci = new Map<string, MultiPolygonCoords>();
    for (const e of admin.epcis.values()) {
      // Only whole EPCI: a union of the members at hand would draw a wrong, smaller area.
      const parts = e.membres.map((c) => communes.get(c));
      if (parts.every((p) => p !== undefined)) epci.set(e.code, dissolve(parts as MultiPolygonCoords[]));
    }
    out.set('epci', epci);
  }
  return out;
}
