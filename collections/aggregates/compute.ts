// Sums of the chroniques per administrative area × year × usage, fed one chronique at a time
// (while the chroniques are written), so nothing proportional to the chroniques is kept.
import { ESTIMATED_MODES, MEASURED_MODES, USAGE_LIST, USAGES } from '../codelists.js';
import { ALL_USAGES, type AggregateLevel } from '../definitions/volumes.js';
import { AdminAreas } from './areas.js';
import { ExactSum } from './exact-sum.js';

export const AGGREGATE_LEVELS: readonly AggregateLevel[] = ['communes', 'epci', 'departements', 'regions'];

const TURBINEE = USAGES.eauTurbinee.code;
const MEASURED = new Set(MEASURED_MODES);
const ESTIMATED = new Set(ESTIMATED_MODES);
const USAGE_LABELS = new Map<string, string>([...USAGE_LIST.map((u) => [u.code, u.label] as [string, string]), [ALL_USAGES.code, ALL_USAGES.label]]);

interface Cell {
  annee: number;
  usage: string;
  total: ExactSum;
  horsTurbinee: ExactSum;
  mesure: ExactSum;
  estime: ExactSum;
  autre: ExactSum;
  ouvrages: number;
  manquants: number;
}

interface Area {
  props: Record<string, unknown>;
  cells: Map<string, Cell>;
  /** Volume-weighted and plain sums of ouvrage positions, for the representative point. */
  wx: number; wy: number; w: number; x: number; y: number; n: number;
}

export interface AggregateRow { code: string; properties: Record<string, unknown>; point: [number, number] | null }

function newCell(annee: number, usage: string): Cell {
  return {
    annee, usage, total: new ExactSum(), horsTurbinee: new ExactSum(), mesure: new ExactSum(), estime: new ExactSum(), autre: new ExactSum(),
    ouvrages: 0, manquants: 0,
  };
}

export class VolumeAggregator {
  private areasByLevel: Record<AggregateLevel, Map<string, Area>> = { communes: new Map(), epci: new Map(), departements: new Map(), regions: new Map() };
  /** ouvrage|commune|département → years already counted in the all-usages rows. */
  private counted = new Map<string, Set<number>>();
  /** Chroniques that could not be placed in a level (commune outside any EPCI, unknown département). */
  readonly unassigned: Record<AggregateLevel, number> = { communes: 0, epci: 0, departements: 0, regions: 0 };
  rows = 0;

  constructor(private admin: AdminAreas = AdminAreas.load()) {}

  /** Adds one chronique (Hub'Eau properties) located at lon/lat (null when unknown). */
  add(p: Record<string, unknown>, lon: number | null, lat: number | null): void {
    this.rows++;
    const annee = p.annee as number;
    const usage = String(p.code_usage);
    const volume = typeof p.volume === 'number' ? p.volume : null;
    const communeCode = p.code_commune_insee == null ? null : String(p.code_commune_insee);
    const dep = p.code_departement == null ? null : String(p.code_departement);
    const commune = communeCode ? this.admin.commune(communeCode) : undefined;
    const region = (dep ? this.admin.regionOfDepartement(dep) : null) ?? commune?.region ?? null;
    const key = `${p.code_ouvrage}|${communeCode}|${dep}`;
    let years = this.counted.get(key);
    if (!years) this.counted.set(key, (years = new Set()));
    const firstOfYear = !years.has(annee);
    years.add(annee);

    const targets: [AggregateLevel, string | null, () => Record<string, unknown>][] = [
      ['communes', commune?.code ?? communeCode, () => ({
        code_commune_insee: commune?.code ?? communeCode, nom_commune: commune?.nom ?? p.nom_commune ?? null, code_epci: commune?.epci ?? null,
        code_departement: commune?.departement ?? dep, code_region: commune?.region ?? region,
      })],
      ['epci', commune?.epci ?? null, () => {
        const e = this.admin.epcis.get(commune!.epci!)!;
        return { code_epci: e.code, nom_epci: e.nom, type_epci: e.type };
      }],
      ['departements', dep, () => ({
        code_departement: dep, libelle_departement: this.admin.departements.get(dep!)?.nom ?? p.libelle_departement ?? null, code_region: region,
      })],
      ['regions', region, () => ({ code_region: region, libelle_region: this.admin.regions.get(region!)?.nom ?? region })],
    ];
    for (const [level, code, props] of targets) {
      if (code === null) { this.unassigned[level]++; continue; }
      const areas = this.areasByLevel[level];
      let area = areas.get(code);
      if (!area) areas.set(code, (area = { props: props(), cells: new Map(), wx: 0, wy: 0, w: 0, x: 0, y: 0, n: 0 }));
      this.addToCell(area, annee, usage, p, volume, true);
      this.addToCell(area, annee, ALL_USAGES.code, p, volume, firstOfYear);
      if (lon !== null && lat !== null) {
        area.x += lon; area.y += lat; area.n++;
        if (volume !== null && volume > 0) { area.wx += volume * lon; area.wy += volume * lat; area.w += volume; }
      }
    }
  }

  private addToCell(area: Area, annee: number, usage: string, p: Record<string, unknown>, volume: number | null, countOuvrage: boolean): void {
    const key = `${annee}|${usage}`;
    let cell = area.cells.get(key);
    if (!cell) area.cells.set(key, (cell = newCell(annee, usage)));
    if (countOuvrage) cell.ouvrages++;
    if (volume === null) { cell.manquants++; return; }
    cell.total.add(volume);
    if (p.code_usage !== TURBINEE) cell.horsTurbinee.add(volume);
    const mode = p.code_mode_obtention_volume as string | null;
    if (mode !== null && MEASURED.has(mode)) cell.mesure.add(volume);
    else if (mode !== null && ESTIMATED.has(mode)) cell.estime.add(volume);
    else cell.autre.add(volume);
  }

  /** Area codes of a level, sorted. */
  codes(level: AggregateLevel): string[] {
    return [...this.areasByLevel[level].keys()].sort();
  }

  /** One row per area × year × usage (the all-usages row last), areas in code order. */
  *rowsOf(level: AggregateLevel): Generator<AggregateRow> {
    const areas = this.areasByLevel[level];
    for (const code of this.codes(level)) {
      const area = areas.get(code)!;
      const cells = [...area.cells.values()].sort(byYearThenUsage);
      const point = representativePoint(area);
      for (const c of cells) {
        yield {
          code,
          point,
          // Object.assign: a spread followed by more literal fields is ~20× slower in V8.
          properties: Object.assign({}, area.props, {
            annee: c.annee,
            code_usage: c.usage,
            libelle_usage: USAGE_LABELS.get(c.usage) ?? c.usage,
            volume_total: c.total.value(),
            volume_hors_eau_turbinee: c.horsTurbinee.value(),
            volume_mesure: c.mesure.value(),
            volume_estime: c.estime.value(),
            volume_mode_autre: c.autre.value(),
            nombre_ouvrages: c.ouvrages,
            nombre_volumes_manquants: c.manquants,
          }),
        };
      }
    }
  }
}

const round6 = (v: number) => Math.round(v * 1e6) / 1e6;

/** Year, then usage code with the all-usages row last (plain comparison: localeCompare is slow). */
function byYearThenUsage(a: Cell, b: Cell): number {
  if (a.annee !== b.annee) return a.annee - b.annee;
  const aAll = a.usage === ALL_USAGES.code, bAll = b.usage === ALL_USAGES.code;
  if (aAll !== bAll) return aAll ? 1 : -1;
  return a.usage < b.usage ? -1 : a.usage > b.usage ? 1 : 0;
}

/** Volume-weighted centroid of the area's ouvrages; plain centroid when no volume is known. */
function representativePoint(area: Area): [number, number] | null {
  if (area.w > 0) return [round6(area.wx / area.w), round6(area.wy / area.w)];
  if (area.n > 0) return [round6(area.x / area.n), round6(area.y / area.n)];
  return null;
}
