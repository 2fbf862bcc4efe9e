// Hub'Eau-shaped records (field names and order of the API) built from an ouvrage core.
import {
  MILIEUX, MODES_OBTENTION, NATURES, PRECISION_COORD_LIST, QUALIFICATIONS_VOLUME, STATUT_INSTRUCTION_LIST,
  STATUTS_VOLUME, USAGES, labelOf, type ModeKey,
} from '../codelists.js';
import { FULL_FROM, LAST_YEAR, reportProbability } from './calibration.js';
import { isMeasured, pointCode, randomDate, type Core, type UsagePlan } from './core.js';
import { URI, zoneHydroCode } from './hydro.js';
import { pointName } from './names.js';
import { hashInts, Rng } from './prng.js';

export interface Rec {
  properties: Record<string, unknown>;
  lon: number;
  lat: number;
}

function communeProps(core: Core): Record<string, unknown> {
  const c = core.commune;
  return { code_commune_insee: c.code, nom_commune: c.nom, code_departement: c.dep, libelle_departement: c.depName };
}

function hydroProps(core: Core): Record<string, unknown> {
  return {
    code_entite_hydro_cours_eau: core.river?.code ?? null,
    uri_entite_hydro_cours_eau: core.river ? URI.coursEau(core.river.code) : null,
    code_entite_hydro_plan_eau: core.planEau,
    uri_entite_hydro_plan_eau: core.planEau ? URI.planEau(core.planEau) : null,
  };
}

const milieuProps = (core: Core) => ({ code_type_milieu: MILIEUX[core.milieu].code, libelle_type_milieu: MILIEUX[core.milieu].label });

export function ouvrageRecord(core: Core): Rec {
  const points = Array.from({ length: core.nPoints }, (_, j) => pointCode(core.index, j));
  return {
    lon: core.lon,
    lat: core.lat,
    properties: {
      code_ouvrage: core.code,
      id_local_ouvrage: core.idLocal,
      nom_ouvrage: core.name,
      date_exploitation_debut: core.dateDebut,
      date_exploitation_fin: core.dateFin,
      code_precision_coord: core.precision,
      libelle_precision_coord: labelOf(PRECISION_COORD_LIST, core.precision),
      commentaire: core.commentaire,
      ...communeProps(core),
      ...milieuProps(core),
      ...hydroProps(core),
      code_mer_ocean: core.mer,
      ressource_cont_non_referencee: core.nonReferencee,
      ressource_cont_non_referencee_info: core.nonReferenceeInfo,
      code_point_referent: points[0],
      code_bdlisa: core.bdlisa,
      uri_bdlisa: core.bdlisa ? URI.bdlisa(core.bdlisa) : null,
      longitude: core.lon,
      latitude: core.lat,
      codes_points_prelevements: points,
      uri_ouvrage: URI.ouvrage(core.code),
    },
  };
}

/** Old-style BSS code: map sheet (1/50,000) and eighth from the position, then a serial. */
function bssCode(core: Core, rng: Rng): string {
  const row = Math.max(0, Math.floor((51.2 - core.lat) / 0.2));
  const col = Math.max(0, Math.floor((core.lon + 5.5) / 0.3));
  const sheet = String((row * 40 + col) % 10000).padStart(4, '0');
  const serial = String(1 + rng.int(400)).padStart(4, '0');
  return `${sheet}${1 + rng.int(8)}X${serial}/${rng.pick(['F', 'F1', 'F2', 'P', 'P1', 'S', 'PUITS'])}`;
}

export function* pointRecords(core: Core, seed: number): Generator<Rec> {
  const rng = new Rng(hashInts(seed, core.index, 2));
  const sout = core.milieu === 'souterrain';
  const zone = core.milieu === 'littoral' ? null : zoneHydroCode(core.commune);
  for (let j = 0; j < core.nPoints; j++) {
    let debut = core.dateDebut;
    if (j > 0 && debut !== '1900-01-01' && rng.chance(0.4)) {
      // A later well or pump added to the ouvrage.
      const from = Math.max(Number(debut.slice(0, 4)), 1990);
      debut = randomDate(rng, from + rng.int(Math.max(1, core.lastYear - from + 1)));
      if (core.dateFin && debut > core.dateFin) debut = core.dateDebut;
    }
    const nature = sout ? (rng.chance(0.85) ? NATURES.physique : NATURES.fictif) : rng.chance(0.5) ? NATURES.fictif : NATURES.physique;
    const bss = sout && rng.chance(0.88) ? bssCode(core, rng) : null;
    const zoneCode = zone !== null && (!sout || rng.chance(0.7)) ? zone : null;
    const nappe = core.milieu === 'continental' ? rng.chance(0.6) : sout ? rng.chance(0.25) : false;
    yield {
      lon: core.lon,
      lat: core.lat,
      properties: {
        code_point_prelevement: pointCode(core.index, j),
        nom_point_prelevement: pointName(core.name, MILIEUX[core.milieu].code, j, core.nPoints),
        date_exploitation_debut: debut,
        date_exploitation_fin: core.dateFin,
        ...milieuProps(core),
        code_nature: nature.code,
        libelle_nature: nature.label,
        lieu_dit: rng.chance(0.6) ? core.lieuDit : null,
        commentaire: rng.chance(0.03) ? 'Point de comptage' : null,
        ...communeProps(core),
        ...hydroProps(core),
        code_zone_hydro: zoneCode,
        uri_zone_hydro: zoneCode ? URI.zoneHydro(zoneCode) : null,
        code_mer_ocean: core.mer,
        nappe_accompagnement: nappe,
        uri_bss_point_eau: bss ? URI.bss(bss) : null,
        code_bss_point_eau: bss,
        code_ouvrage: core.code,
        uri_ouvrage: URI.ouvrage(core.code),
        code_bdlisa: core.bdlisa,
        uri_bdlisa: core.bdlisa ? URI.bdlisa(core.bdlisa) : null,
      },
    };
  }
}

/** Volume rounded as its mode implies: flat rates are multiples of their unit. */
function rounded(v: number, mode: ModeKey, unit: number, min: number): number {
  if (mode === 'volumeForfaitaire') return Math.max(Math.round(v / unit), Math.ceil(min / unit)) * unit;
  if (mode === 'volumeEstime') return Math.round(v / 100) * 100;
  return Math.round(v);
}

const STATUTS = [STATUTS_VOLUME.brut, STATUTS_VOLUME.controle1, STATUTS_VOLUME.controle2];
const QUALIFS = [
  QUALIFICATIONS_VOLUME.correcte, QUALIFICATIONS_VOLUME.nonQualifie, QUALIFICATIONS_VOLUME.incertaine, QUALIFICATIONS_VOLUME.incorrecte,
];

interface Series { plan: UsagePlan; noise: number; history: number[] }

export function* chroniqueRecords(core: Core, seed: number): Generator<Rec> {
  const rng = new Rng(hashInts(seed, core.index, 3));
  const profile = core.profile;
  const rho = 0.6;
  const series: Series[] = core.usages.map((plan) => ({ plan, noise: profile.yearSigma * rng.normal(), history: [] }));
  const producteur = core.commune.producteur;
  const instructionLabel = labelOf(STATUT_INSTRUCTION_LIST, core.instruction);
  for (let year = core.firstYear; year <= core.lastYear; year++) {
    const reported = rng.chance(reportProbability(profile.years, year));
    for (const s of series) {
      // AR(1) year-to-year variation around the base, mean 1.
      s.noise = rho * s.noise + Math.sqrt(1 - rho * rho) * profile.yearSigma * rng.normal();
      if (!reported || (s !== series[0] && rng.chance(0.1))) continue;
      const sigma = profile.yearSigma;
      let v = s.plan.base * profile.yearFactor(year) * Math.exp(s.noise - (sigma * sigma) / 2);
      let mode = s.plan.mode;
      // Meter failure: the arrêté takes the mean of the three previous years.
      if (isMeasured(mode) && s.history.length > 0 && rng.chance(0.04)) {
        const last = s.history.slice(-3);
        v = last.reduce((a, b) => a + b, 0) / last.length;
        mode = 'volumeEstime';
      }
      if (v < core.threshold) v = core.threshold * (1 + 0.5 * rng.next()); // only fee-liable abstractions are recorded
      const volume = rounded(v, mode, s.plan.unit, core.threshold);
      const missing = rng.chance(year < FULL_FROM ? 0.05 : 0.007);
      if (!missing) s.history.push(volume);
      // The latest year is often not controlled yet.
      const statut = year === LAST_YEAR && rng.chance(0.3) ? STATUTS_VOLUME.brut : STATUTS[rng.weighted([0.04, 0.88, 0.08])];
      const qualif = missing ? QUALIFICATIONS_VOLUME.nonDefinissable : QUALIFS[rng.weighted([0.92, 0.04, 0.03, 0.01])];
      const usage = USAGES[s.plan.usage];
      yield {
        lon: core.lon,
        lat: core.lat,
        properties: {
          code_ouvrage: core.code,
          nom_ouvrage: core.name,
          uri_ouvrage: URI.ouvrage(core.code),
          annee: year,
          volume: missing ? null : volume,
          code_usage: usage.code,
          libelle_usage: usage.label,
          code_statut_volume: statut.code,
          libelle_statut_volume: statut.label,
          code_qualification_volume: qualif.code,
          libelle_qualification_volume: qualif.label,
          code_statut_instruction: core.instruction,
          libelle_statut_instruction: instructionLabel,
          code_mode_obtention_volume: MODES_OBTENTION[mode].code,
          libelle_mode_obtention_volume: MODES_OBTENTION[mode].label,
          prelevement_ecrasant: core.ecrasant,
          producteur_donnee: producteur,
          longitude: core.lon,
          latitude: core.lat,
          ...communeProps(core),
        },
      };
    }
  }
}
