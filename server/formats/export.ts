// Shared by the streamed export formats (CSV, FlatGeobuf, GeoJSON text sequences).
import type { Response } from 'express';
import type { Feature as GeoJsonFeature } from 'geojson';
import type { CollectionDefinition, Feature, PropertyDefinition } from '../types.js';
import type { FeatureShaper } from './geojson.js';

/**
 * Iterates the shaped features, calling `start` with the first one before anything is written:
 * formats with a header (CSV columns, FlatGeobuf schema) learn from it which properties a
 * `properties=` selection kept. Stops reading when the client goes away.
 */
export async function exportFeatures(
  res: Response,
  features: AsyncIterable<Feature>,
  shape: FeatureShaper,
  start: (first: GeoJsonFeature | undefined) => Promise<void>,
  each: (shaped: GeoJsonFeature, raw: Feature) => Promise<void>,
): Promise<number> {
  const iterator = features[Symbol.asyncIterator]();
  let n = 0;
  try {
    let next = await iterator.next();
    let shaped = next.done ? undefined : shape(next.value);
    await start(shaped);
    while (!next.done && shaped) {
      if (res.destroyed) break;
      await each(shaped, next.value);
      n++;
      next = await iterator.next();
      shaped = next.done ? undefined : shape(next.value);
    }
  } finally {
    await iterator.return?.();
  }
  return n;
}

/**
 * The exported properties: the definition's, in its order, restricted to those the first
 * shaped feature has (a property selection), then any it has that the definition lacks.
 */
export function exportProperties(definition: CollectionDefinition, first: GeoJsonFeature | undefined): PropertyDefinition[] {
  if (!first) return definition.properties;
  const present = first.properties ?? {};
  const known = new Set(definition.properties.map((p) => p.name));
  return [
    ...definition.properties.filter((p) => p.name in present),
    ...Object.keys(present).filter((name) => !known.has(name)).map((name): PropertyDefinition => ({ name, type: 'string', title: name })),
  ];
}

const numberSets = new WeakMap<CollectionDefinition, Set<string>>();
/** Properties declared as numbers (GeoJSON keeps their decimal point, see featureJson). */
export function numberProperties(definition: CollectionDefinition): Set<string> {
  let set = numberSets.get(definition);
  if (!set) numberSets.set(definition, (set = new Set(definition.properties.filter((p) => p.type === 'number').map((p) => p.name))));
  return set;
}
