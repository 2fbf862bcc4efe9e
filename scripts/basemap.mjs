// Regenerates the vendored, simplified boundaries of collections/basemap/ from the IGN ADMIN EXPRESS
// départements (france-geojson, Licence Ouverte): `node scripts/basemap.mjs [departements-avec-outre-mer.geojson]`.
// Topology first, so that simplified neighbours still share their border; régions and land are unions
// of départements (no gap, no overlap). Written to temporary names, then renamed.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import polylabel from 'polylabel';
import { feature, merge } from 'topojson-client';
import { topology } from 'topojson-server';
import { presimplify, simplify } from 'topojson-simplify';

const require = createRequire(import.meta.url);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const source = process.argv[2] ?? join(root, '../shared/geo/departements-avec-outre-mer.geojson');
const out = join(root, 'collections/basemap');
/** Share of the triangle areas kept: small enough for national and regional zooms. */
const KEEP = Number(process.env.BASEMAP_KEEP ?? 0.06);
const DECIMALS = 4; // ≈ 10 m

const regionOf = new Map(require('@etalab/decoupage-administratif/data/departements.json').map((d) => [d.code, d.region]));
const regionNames = new Map(require('@etalab/decoupage-administratif/data/regions.json').map((r) => [r.code, r.nom]));
const input = JSON.parse(readFileSync(source, 'utf8'));
for (const f of input.features) {
  f.properties = { code: String(f.properties.code), nom: f.properties.nom, code_region: regionOf.get(String(f.properties.code)) };
  if (!f.properties.code_region) throw new Error(`département ${f.properties.code} : région inconnue`);
}

let topo = presimplify(topology({ departements: input }, 1e6));
// The weight above which KEEP of the points stay (topojson-simplify's quantile counts differently).
const weights = topo.arcs.flatMap((arc) => arc.map((p) => p[2])).filter(Number.isFinite).sort((a, b) => b - a);
topo = simplify(topo, weights[Math.floor(weights.length * KEEP)]);

const round = (v) => Math.round(v * 10 ** DECIMALS) / 10 ** DECIMALS;
/** Rounded rings, without repeated points nor rings that collapsed. */
function clean(geometry) {
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  const kept = polygons.map((rings) => rings.map((ring) => ring.map(([x, y]) => [round(x), round(y)])
    .filter((p, i, a) => i === 0 || p[0] !== a[i - 1][0] || p[1] !== a[i - 1][1])).filter((r) => r.length >= 4))
    .filter((rings) => rings.length > 0);
  return { type: 'MultiPolygon', coordinates: kept };
}
const ringArea = (ring) => Math.abs(ring.reduce((s, [x, y], i) => { const [x2, y2] = ring[(i + 1) % ring.length]; return s + x * y2 - x2 * y; }, 0) / 2);
/** A label point inside the largest polygon (pole of inaccessibility). */
function labelPoint(geometry) {
  const largest = geometry.coordinates.reduce((a, b) => (ringArea(b[0]) > ringArea(a[0]) ? b : a));
  const p = polylabel(largest, 0.01);
  return [round(p[0]), round(p[1])];
}

const departements = feature(topo, topo.objects.departements).features
  .map((f) => ({ type: 'Feature', properties: f.properties, geometry: clean(f.geometry) }))
  .sort((a, b) => a.properties.code.localeCompare(b.properties.code));
const byRegion = new Map();
for (const g of topo.objects.departements.geometries) {
  const r = g.properties.code_region;
  byRegion.set(r, [...(byRegion.get(r) ?? []), g]);
}
const regions = [...byRegion].sort(([a], [b]) => a.localeCompare(b))
  .map(([code, geometries]) => ({ type: 'Feature', properties: { code, nom: regionNames.get(code) }, geometry: clean(merge(topo, geometries)) }));
const land = [{ type: 'Feature', properties: {}, geometry: clean(merge(topo, topo.objects.departements.geometries)) }];
const labels = [
  ...regions.map((f) => ({ type: 'Feature', properties: { niveau: 'region', code: f.properties.code, nom: f.properties.nom }, geometry: { type: 'Point', coordinates: labelPoint(f.geometry) } })),
  ...departements.map((f) => ({ type: 'Feature', properties: { niveau: 'departement', code: f.properties.code, nom: f.properties.nom }, geometry: { type: 'Point', coordinates: labelPoint(f.geometry) } })),
];

for (const [name, features] of Object.entries({ departements, regions, land, labels })) {
  const path = join(out, `${name}.json`);
  const text = `{"type":"FeatureCollection","features":[\n${features.map((f) => JSON.stringify(f)).join(',\n')}\n]}\n`;
  writeFileSync(`${path}.tmp`, text);
  renameSync(`${path}.tmp`, path);
  console.log(`${name}.json: ${features.length} entités, ${(text.length / 1024).toFixed(0)} Kio`);
}
