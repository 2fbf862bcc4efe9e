// Hydroelectricity (arrêté du 19 décembre 2011, annexe II): a turbined volume is not metered but
// derived from the energy produced and the gross head, V = (367 / R) × (E / H).
// 367 ≈ 3.6e6 J/kWh ÷ (ρ g) with ρ = 1000 kg/m³ and g = 9.81 m/s²: the water mass falling H metres
// that yields 1 kWh, divided by the overall efficiency R of the plant.

export const HYDRO_CONSTANT = 367;
/** Overall efficiency R applied when the producer gives none (arrêté, annexe II). */
export const DEFAULT_EFFICIENCY = 0.75;

/**
 * Turbined volume in m³/year from the energy produced (kWh/year) and the gross head (m).
 * Throws a RangeError naming the faulty argument: a volume from bad inputs would be silently wrong.
 */
export function hydroVolume(energyKwh: number, headM: number, efficiency = DEFAULT_EFFICIENCY): number {
  if (!Number.isFinite(energyKwh) || energyKwh < 0) throw new RangeError(`énergie invalide (${energyKwh} kWh) : un nombre positif est attendu`);
  if (!Number.isFinite(headM) || headM <= 0) throw new RangeError(`hauteur de chute invalide (${headM} m) : un nombre strictement positif est attendu`);
  if (!Number.isFinite(efficiency) || efficiency <= 0 || efficiency > 1) {
    throw new RangeError(`rendement invalide (${efficiency}) : un nombre dans ]0, 1] est attendu`);
  }
  return (HYDRO_CONSTANT / efficiency) * (energyKwh / headM);
}

/** Non-Hub'Eau fields a chronique may carry instead of a volume (names accepted, first wins). */
export const HYDRO_FIELDS = {
  energy: ['energie_kwh', 'energie'],
  head: ['hauteur_chute_m', 'hauteur_chute'],
  efficiency: ['rendement'],
} as const;

export const HYDRO_FIELD_NAMES: ReadonlySet<string> = new Set(Object.values(HYDRO_FIELDS).flat());

function pick(record: Record<string, unknown>, names: readonly string[]): unknown {
  for (const name of names) if (record[name] !== undefined && record[name] !== null && record[name] !== '') return record[name];
  return undefined;
}

export type HydroOutcome =
  | { kind: 'none' }
  | { kind: 'volume'; volume: number }
  | { kind: 'error'; field: string; reason: string };

/**
 * When a record has no volume but gives energy and head, the volume they imply (rounded to the
 * cubic metre, as BNPE volumes are). The extra fields are removed from the record either way.
 */
export function hydroFromRecord(record: Record<string, unknown>): HydroOutcome {
  const energy = pick(record, HYDRO_FIELDS.energy);
  const head = pick(record, HYDRO_FIELDS.head);
  const efficiency = pick(record, HYDRO_FIELDS.efficiency);
  for (const name of HYDRO_FIELD_NAMES) delete record[name];
  if (energy === undefined && head === undefined) return { kind: 'none' };
  if (record.volume !== null && record.volume !== undefined) return { kind: 'none' }; // a given volume wins
  if (energy === undefined) return { kind: 'error', field: 'energie_kwh', reason: 'hauteur de chute donnée sans énergie produite' };
  if (head === undefined) return { kind: 'error', field: 'hauteur_chute_m', reason: 'énergie produite donnée sans hauteur de chute' };
  try {
    const volume = hydroVolume(Number(energy), Number(head), efficiency === undefined ? DEFAULT_EFFICIENCY : Number(efficiency));
    return { kind: 'volume', volume: Math.round(volume) };
  } catch (error) {
    const message = (error as Error).message;
    const field = message.startsWith('énergie') ? 'energie_kwh' : message.startsWith('hauteur') ? 'hauteur_chute_m' : 'rendement';
    return { kind: 'error', field, reason: message };
  }
}
