// Administrative areas (COG) from @etalab/decoupage-administratif: current commune of any commune
// code (delegated and associated communes, municipal arrondissements), its EPCI, département and
// région, with names. Loaded once per process (≈ 40,000 communes).
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

interface RawCommune { code: string; nom: string; type: string; departement?: string; region?: string; chefLieu?: string; commune?: string }
interface RawEpci { code: string; nom: string; type?: string; membres: { code: string }[] }
interface RawNamed { code: string; nom: string; region?: string }

export interface CommuneInfo { code: string; nom: string; departement: string | null; region: string | null; epci: string | null }
export interface EpciInfo { code: string; nom: string; type: string | null; membres: string[] }
export interface NamedArea { code: string; nom: string; region?: string | null }

export class AdminAreas {
  private constructor(
    private communes: Map<string, CommuneInfo>,
    /** Any commune code (current or not) → current commune code. */
    private current: Map<string, string>,
    readonly epcis: Map<string, EpciInfo>,
    readonly departements: Map<string, NamedArea>,
    readonly regions: Map<string, NamedArea>,
  ) {}

  private static instance?: AdminAreas;

  static load(): AdminAreas {
    if (AdminAreas.instance) return AdminAreas.instance;
    const data = (name: string) => require(`@etalab/decoupage-administratif/data/${name}.json`);
    const raw = data('communes') as RawCommune[];
    const epciList = data('epci') as RawEpci[];
    const epciOf = new Map<string, string>();
    const epcis = new Map<string, EpciInfo>();
    for (const e of epciList) {
      epcis.set(e.code, { code: e.code, nom: e.nom, type: e.type ?? null, membres: e.membres.map((m) => m.code) });
      for (const m of e.membres) epciOf.set(m.code, e.code);
    }
    const communes = new Map<string, CommuneInfo>();
    const current = new Map<string, string>();
    for (const c of raw) {
      if (c.type !== 'commune-actuelle') continue;
      communes.set(c.code, { code: c.code, nom: c.nom, departement: c.departement ?? null, region: c.region ?? null, epci: epciOf.get(c.code) ?? null });
      current.set(c.code, c.code);
    }
    // A current commune's own code wins over a delegated commune sharing it.
    for (const c of raw) {
      const parent = c.type === 'arrondissement-municipal' ? c.commune : c.chefLieu;
      if (c.type !== 'commune-actuelle' && parent && !current.has(c.code) && communes.has(parent)) current.set(c.code, parent);
    }
    const named = (name: string) => new Map((data(name) as RawNamed[]).map((d) => [d.code, { code: d.code, nom: d.nom, region: d.region ?? null }]));
    AdminAreas.instance = new AdminAreas(communes, current, epcis, named('departements'), named('regions'));
    return AdminAreas.instance;
  }

  /** The current commune a commune code belongs to, or undefined for a code the COG does not know. */
  commune(code: string): CommuneInfo | undefined {
    const c = this.current.get(code);
    return c === undefined ? undefined : this.communes.get(c);
  }

  /** Every code (former communes, arrondissements) that maps to the current commune `code`. */
  codesOf(code: string): string[] {
    const out: string[] = [];
    for (const [from, to] of this.current) if (to === code) out.push(from);
    return out;
  }

  /** All codes grouped by their current commune (one pass, for boundary merging). */
  codesByCommune(): Map<string, string[]> {
    const out = new Map<string, string[]>();
    for (const [from, to] of this.current) {
      const list = out.get(to);
      if (list) list.push(from);
      else out.set(to, [from]);
    }
    return out;
  }

  /** Every commune code (current or former) whose current commune lies in the département. */
  communeCodesOfDepartement(dep: string): string[] {
    const out: string[] = [];
    for (const [from, to] of this.current) if (this.communes.get(to)?.departement === dep) out.push(from);
    return out.sort();
  }

  regionOfDepartement(code: string): string | null {
    return this.departements.get(code)?.region ?? null;
  }
}
