// Flat rates of the arrêté du 19 décembre 2011, annexe II: the volume to declare when measuring
// is impossible, as a number of m³ per unit of a characteristic quantity (inhabitants, hectares…).
import { DEFAULT_EFFICIENCY, HYDRO_CONSTANT } from '../hydro.js';
import { USAGES, type UsageKey } from '../codelists.js';
import type { SourceRecord } from '../build.js';

export interface Forfait {
  code: string;
  usage: UsageKey;
  activite: string;
  unite: string;
  /** m³ per unit of `unite` (per year unless `unite` says otherwise). */
  volume: number;
  uniteVolume: string;
  remarque: string | null;
}

export const FORFAITS: readonly Forfait[] = [
  { code: 'AEP-HAB', usage: 'eauPotable', activite: 'Alimentation en eau potable', unite: 'habitant desservi', volume: 85, uniteVolume: 'm³/an par habitant', remarque: null },
  { code: 'IRR-ASP', usage: 'irrigation', activite: 'Irrigation par aspersion', unite: 'hectare irrigué', volume: 4000, uniteVolume: 'm³/an par hectare', remarque: null },
  {
    code: 'IRR-AUT', usage: 'irrigation', activite: 'Irrigation par un autre moyen (hors gravitaire)', unite: 'hectare irrigué', volume: 3000,
    uniteVolume: 'm³/an par hectare', remarque: "L'irrigation gravitaire n'a pas de forfait.",
  },
  { code: 'NEIGE', usage: 'industrie', activite: 'Production de neige artificielle', unite: 'hectare enneigé', volume: 4000, uniteVolume: 'm³/an par hectare', remarque: null },
  { code: 'ARR-ASP', usage: 'industrie', activite: 'Arrosage par aspersion (espaces verts, golfs)', unite: 'hectare arrosé', volume: 4000, uniteVolume: 'm³/an par hectare', remarque: null },
  { code: 'ARR-AUT', usage: 'industrie', activite: 'Arrosage par un autre moyen', unite: 'hectare arrosé', volume: 3000, uniteVolume: 'm³/an par hectare', remarque: null },
  {
    code: 'THERM', usage: 'industrie', activite: 'Thermalisme', unite: 'curiste et jour de cure', volume: 0.5, uniteVolume: 'm³ par curiste et par jour',
    remarque: 'Multiplier par le nombre de journées de cure de l’année.',
  },
  {
    code: 'GRAN-EAU', usage: 'industrie', activite: "Extraction de granulats en fosse en eau", unite: 'tonne extraite', volume: 1,
    uniteVolume: 'm³/an par tonne', remarque: null,
  },
  {
    code: 'GRAN-FERM', usage: 'industrie', activite: 'Extraction de granulats en fosse fermée', unite: 'tonne extraite', volume: 0.1,
    uniteVolume: 'm³/an par tonne', remarque: null,
  },
  {
    code: 'CANAL', usage: 'canaux', activite: 'Alimentation des canaux de navigation', unite: 'kilomètre de canal', volume: 1_540_000,
    uniteVolume: 'm³/an par kilomètre', remarque: '1,54 million de m³ par kilomètre et par an.',
  },
  {
    code: 'HYDRO', usage: 'eauTurbinee', activite: 'Production hydroélectrique', unite: 'kWh produit par mètre de hauteur de chute',
    volume: HYDRO_CONSTANT / DEFAULT_EFFICIENCY, uniteVolume: 'm³/an par (kWh/m)',
    remarque: `Formule V = (367 / R) × (E / H), E en kWh, H hauteur de chute brute en m, R rendement global (${DEFAULT_EFFICIENCY} par défaut) : la valeur donnée est 367 / ${DEFAULT_EFFICIENCY}.`,
  },
];

/** Volume (m³) the flat rate `code` gives for `quantity` units of its characteristic quantity. */
export function estimateVolume(code: string, quantity: number): number {
  const forfait = FORFAITS.find((f) => f.code === code);
  if (!forfait) throw new RangeError(`forfait inconnu : ${code}`);
  if (!Number.isFinite(quantity) || quantity < 0) throw new RangeError(`quantité invalide : ${quantity}`);
  return forfait.volume * quantity;
}

/** Records of the non-spatial collection forfaits_annexe2 (no geometry). */
export function forfaitRecords(): SourceRecord[] {
  return FORFAITS.map((f) => ({
    lon: null,
    lat: null,
    properties: {
      code_forfait: f.code,
      code_usage: USAGES[f.usage].code,
      libelle_usage: USAGES[f.usage].label,
      activite: f.activite,
      unite_caracteristique: f.unite,
      volume_par_unite: f.volume,
      unite_volume: f.uniteVolume,
      remarque: f.remarque,
    },
  }));
}
