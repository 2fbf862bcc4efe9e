// Turns parsed parameters into a provider query: bbox goes down to the R-tree, the rest becomes
// one predicate compiled once per request.
import { InvalidParameterValue } from './errors.js';
import type { Interval } from './params/datetime.js';
import { withNeeds, type CollectionDefinition, type Feature, type FeaturePredicate, type PropertyDefinition } from './types.js';

function typedValue(property: PropertyDefinition, raw: string): unknown {
  switch (property.type) {
    case 'integer':
    case 'number': {
      const value = Number(raw);
      if (raw.trim() === '' || !Number.isFinite(value) || (property.type === 'integer' && !Number.isInteger(value))) {
        throw new InvalidParameterValue(property.name, `« ${raw} » n'est pas un ${property.type === 'integer' ? 'entier' : 'nombre'}`);
      }
      return value;
    }
    case 'boolean':
      if (raw !== 'true' && raw !== 'false') throw new InvalidParameterValue(property.name, `« ${raw} » : true ou false attendu`);
      return raw === 'true';
    default:
      return raw;
  }
}

/** `?code_departement=18,36&code_usage=AEP`: equality, comma = one of (as Hub'Eau). */
export function propertyPredicate(definition: CollectionDefinition, query: Record<string, string>): FeaturePredicate | undefined {
  const tests: FeaturePredicate[] = [];
  for (const property of definition.properties) {
    const raw = query[property.name];
    if (raw === undefined || property.queryable === false) continue;
    const values = new Set(raw.split(',').map((v) => typedValue(property, v)));
    const name = property.name;
    if (property.type === 'array') {
      tests.push(withNeeds((f) => {
        const list = f.properties[name];
        return Array.isArray(list) && list.some((v) => values.has(v));
      }, [name]));
    } else if (values.size === 1) {
      const only = [...values][0];
      tests.push(withNeeds((f) => f.properties[name] === only, [name]));
    } else {
      tests.push(withNeeds((f) => values.has(f.properties[name]), [name]));
    }
  }
  return and(tests);
}

const YEAR_MS = (year: number, end: boolean) => (end ? Date.UTC(year, 11, 31, 23, 59, 59, 999) : Date.UTC(year, 0, 1));

/** Interval intersection on the collection's temporal properties; unknown ends are open. */
export function datetimePredicate(definition: CollectionDefinition, interval: Interval | undefined): FeaturePredicate | undefined {
  const temporal = definition.temporal;
  if (!interval) return undefined;
  if (!temporal) throw new InvalidParameterValue('datetime', "cette collection n'a pas de propriété temporelle");
  const qStart = interval.start ?? -Infinity;
  const qEnd = interval.end ?? Infinity;
  const unknown = new Set(temporal.unknownValues ?? []);
  const read = (value: unknown, end: boolean): number | null => {
    if (value === null || value === undefined) return null;
    if (temporal.kind === 'year') return YEAR_MS(Number(value), end);
    const text = String(value);
    if (unknown.has(text)) return null;
    const ms = Date.parse(text.length === 10 ? `${text}T00:00:00Z` : text);
    return Number.isNaN(ms) ? null : end && text.length === 10 ? ms + 86_399_999 : ms;
  };
  const startName = temporal.start;
  const endName = temporal.end ?? temporal.start;
  return withNeeds((f: Feature) => {
    const start = read(f.properties[startName], false) ?? -Infinity;
    const end = read(f.properties[endName], true) ?? Infinity;
    return start <= qEnd && end >= qStart;
  }, [...new Set([startName, endName])]);
}

export function and(tests: (FeaturePredicate | undefined)[]): FeaturePredicate | undefined {
  const list = tests.filter((t): t is FeaturePredicate => t !== undefined);
  if (list.length === 0) return undefined;
  if (list.length === 1) return list[0];
  const known = list.every((t) => t.needs);
  const test = (f: Feature) => { for (const t of list) if (!t(f)) return false; return true; };
  return known ? withNeeds(test, [...new Set(list.flatMap((t) => t.needs!.properties))], list.some((t) => t.needs!.geometry)) : test;
}
