// From record sources (files or harvest spools) to a new served version: every record checked,
// bad ones sent to DIR/rejects.ndjson, points placed at their ouvrage, chroniques deduplicated and
// summed per area, everything built into DIR/versions/<timestamp>/ and published atomically.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { aggregateInputs, AdminAreas, loadBoundaries, VolumeAggregator } from '../aggregates/index.js';
import type { BuildInput, BuildProgress, SourceRecord } from '../build.js';
import { MODES_OBTENTION } from '../codelists.js';
import { forfaitsInput } from '../dataset.js';
import { communeByCode } from '../generator/index.js';
import { HYDRO_FIELD_NAMES, hydroFromRecord } from '../hydro.js';
import { endpoint, type EndpointId } from './endpoints.js';
import type { RecordSource } from './files.js';
import { RecordChecker, type SourceRef } from './records.js';
import { RejectLog, type CollectionTally } from './rejects.js';
import { buildVersion } from './versions.js';

export interface BuildSourcesOptions {
  /** The data directory: versions/, current and rejects.ndjson go there. */
  out: string;
  sources: RecordSource[];
  /** GeoJSON boundary files (or `level=path`) for the aggregates' polygons. */
  boundaries?: string[];
  progress?: BuildProgress;
  /** Versions kept, the new one included. */
  keep?: number;
  /** Expected records per endpoint, for the progress display. */
  estimates?: Partial<Record<EndpointId, number>>;
}

export interface IngestSummary {
  version: string;
  counts: Record<string, number>;
  tallies: Record<string, CollectionTally>;
  rejectsPath: string;
  warnings: string[];
}

type Position = [number, number] | null;
type Extra = (props: Record<string, unknown>) => { field: string; reason: string } | null;
interface Kept { props: Record<string, unknown>; ref: SourceRef }

const FORFAITAIRE = MODES_OBTENTION.volumeForfaitaire;

export async function buildFromSources(o: BuildSourcesOptions): Promise<IngestSummary> {
  const admin = AdminAreas.load();
  const boundaries = o.boundaries?.length ? loadBoundaries(o.boundaries, admin) : undefined; // unreadable: stop before building
  mkdirSync(o.out, { recursive: true });
  const rejects = new RejectLog(join(o.out, 'rejects.ndjson'));
  const positions = new Map<string, Position>();
  const aggregator = new VolumeAggregator(admin);
  const warnings: string[] = [];

  /** Commune position (generator's table) when a record has none of its own. */
  const communePosition = (code: unknown): Position => {
    if (typeof code !== 'string') return null;
    const c = communeByCode(admin.commune(code)?.code ?? code);
    return c ? [c.lon, c.lat] : null;
  };
  const ownPosition = (p: Record<string, unknown>): Position =>
    typeof p.longitude === 'number' && typeof p.latitude === 'number' ? [p.longitude, p.latitude] : null;

  async function* checked(id: EndpointId, extra?: Extra): AsyncGenerator<Kept> {
    const e = endpoint(id);
    const checker = new RecordChecker(e.definition, { keys: e.key });
    const tally = rejects.tally(id);
    const keep = id === 'chroniques' ? HYDRO_FIELD_NAMES : undefined;
    const seen = new Set<string>();
    for (const source of o.sources.filter((s) => s.endpoint.id === id)) {
      for await (const raw of source.records()) {
        tally.read++;
        const reject = (field: string, reason: string, errors?: string[]) =>
          rejects.add({ collection: id, ...raw.ref, field, reason, ...(errors ? { errors } : {}), record: raw.properties });
        const bad = raw.properties.__columns ?? ('__invalid' in raw.properties ? "pas un objet JSON" : undefined);
        if (bad !== undefined) { reject('(enregistrement)', String(bad)); continue; }
        const props = checker.normalize(raw.properties, keep);
        if (keep) {
          const hydro = hydroFromRecord(props);
          if (hydro.kind === 'error') { reject(hydro.field, hydro.reason); continue; }
          if (hydro.kind === 'volume') {
            props.volume = hydro.volume;
            if (props.code_mode_obtention_volume == null) {
              props.code_mode_obtention_volume = FORFAITAIRE.code;
              props.libelle_mode_obtention_volume = FORFAITAIRE.label;
            }
          }
        }
        const check = checker.check(props);
        if (!check.ok) { reject(check.field, check.reason, check.errors.length > 1 ? check.errors : undefined); continue; }
        // Kept with nulls: labels from the code lists, the commune's names and département from its code.
        checker.completeLabels(props);
        completeArea(props);
        const key = e.key.map((k) => props[k]).join('|');
        if (seen.has(key)) { reject(e.key.join(', '), `doublon : ${e.key.join(', ')} = ${key.replaceAll('|', ', ')} déjà lu`); continue; }
        const refused = extra?.(props);
        if (refused) { reject(refused.field, refused.reason); continue; }
        seen.add(key);
        tally.kept++;
        const flags = checker.flags(props);
        if (flags.length) {
          tally.flagged++;
          for (const flag of flags) rejects.flag({ collection: id, ...raw.ref, field: flag.field, reason: flag.reason, record: raw.properties });
        }
        yield { props, ref: raw.ref };
      }
    }
    tally.ignoredFields = Object.fromEntries(checker.ignored);
    if (checker.ignored.size) warnings.push(`${id} : champs ignorés (absents de la collection) : ${[...checker.ignored.keys()].join(', ')}`);
  }

  /** Fills nom_commune, code_departement and libelle_departement left null, from the commune code (COG). */
  const completeArea = (p: Record<string, unknown>): void => {
    if (typeof p.code_commune_insee !== 'string') return;
    const commune = admin.commune(p.code_commune_insee);
    if ('nom_commune' in p && p.nom_commune === null && commune) p.nom_commune = commune.nom;
    if ('code_departement' in p && p.code_departement === null) p.code_departement = commune?.departement ?? departementOf(p.code_commune_insee);
    if ('libelle_departement' in p && p.libelle_departement === null && typeof p.code_departement === 'string') {
      p.libelle_departement = admin.departements.get(p.code_departement)?.nom ?? null;
    }
  };

  async function* ouvrages(): AsyncGenerator<SourceRecord> {
    for await (const { props } of checked('ouvrages')) {
      // No coordinates: a null geometry (the record stays readable by id and attribute); its
      // points still fall back to the commune below.
      const at = ownPosition(props);
      positions.set(String(props.code_ouvrage), at);
      yield { properties: props, lon: at?.[0] ?? null, lat: at?.[1] ?? null };
    }
  }

  async function* points(): AsyncGenerator<SourceRecord> {
    const unknown: Extra = (p) => positions.has(String(p.code_ouvrage)) ? null
      : { field: 'code_ouvrage', reason: `ouvrage inconnu : ${p.code_ouvrage} absent du référentiel des ouvrages` };
    for await (const { props } of checked('points_prelevement', unknown)) {
      // The API gives points no position: they take their ouvrage's (else their commune's).
      const at = positions.get(String(props.code_ouvrage)) ?? communePosition(props.code_commune_insee);
      yield { properties: props, lon: at?.[0] ?? null, lat: at?.[1] ?? null };
    }
  }

  async function* chroniques(): AsyncGenerator<SourceRecord> {
    for await (const { props } of checked('chroniques')) {
      const at = ownPosition(props) ?? positions.get(String(props.code_ouvrage)) ?? null;
      const area = at ?? communePosition(props.code_commune_insee);
      aggregator.add(props, area?.[0] ?? null, area?.[1] ?? null);
      yield { properties: props, lon: at?.[0] ?? null, lat: at?.[1] ?? null };
    }
  }

  const aggregates = aggregateInputs(aggregator, boundaries);
  const inputs: BuildInput[] = [
    { definition: endpoint('ouvrages').definition, records: ouvrages(), estimate: o.estimates?.ouvrages },
    { definition: endpoint('points_prelevement').definition, records: points(), estimate: o.estimates?.points_prelevement },
    { definition: endpoint('chroniques').definition, records: chroniques(), estimate: o.estimates?.chroniques },
    ...aggregates.inputs,
    forfaitsInput(),
  ];
  let version;
  try {
    version = await buildVersion(o.out, inputs, o.progress, o.keep);
  } finally {
    rejects.close();
  }
  for (const [level, codes] of Object.entries(aggregates.report.withoutPolygon)) {
    if (codes.length) warnings.push(`volumes_${level} : ${codes.length} zone(s) sans contour dans les limites fournies (géométrie vide) : ${codes.slice(0, 8).join(', ')}${codes.length > 8 ? '…' : ''}`);
  }
  for (const [level, n] of Object.entries(aggregator.unassigned)) {
    if (n) warnings.push(`volumes_${level} : ${n} chronique(s) sans zone de ce niveau (commune hors EPCI, département inconnu…)`);
  }
  return { version: version.dir, counts: version.counts, tallies: Object.fromEntries(rejects.tallies), rejectsPath: rejects.path, warnings };
}

/** The département of a commune code the COG does not know: 2A/2B, 97x, else its first two characters. */
function departementOf(commune: string): string | null {
  if (!/^\d[\dAB]\d{3}$/.test(commune)) return null;
  return commune.startsWith('97') ? commune.slice(0, 3) : commune.slice(0, 2);
}
