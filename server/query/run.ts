// Running a ProviderQuery: the provider's own query(), or the generic fallback for what it does
// not do itself (sort: a bounded heap over a scan of the matches).
import { InvalidParameterValue } from '../errors.js';
import { compareBy, topK, type SortKey } from '../sort.js';
import type { Feature, Provider, ProviderQuery, ProviderResult } from '../types.js';
import { queryPredicate } from './predicate.js';

/** Sorted pages keep offset+limit features in memory: past this depth, ask for a filter instead. */
export const MAX_SORTED_DEPTH = 100_000;

export async function sortedPage(source: AsyncIterable<Feature>, offset: number, limit: number, keys: SortKey[]): Promise<ProviderResult> {
  if (offset + limit > MAX_SORTED_DEPTH) throw new InvalidParameterValue('offset', `avec sortby, offset + limit ne peut dépasser ${MAX_SORTED_DEPTH} ; affinez le filtre`);
  const { top, count } = await topK(source, offset + limit, compareBy(keys));
  async function* page() { yield* top.slice(offset); }
  return { features: page(), numberMatched: async () => count };
}

/** A query with sort keys is a sorted page over a scan; anything else goes to the provider. */
export async function runQuery(provider: Provider, query: ProviderQuery): Promise<ProviderResult> {
  if (query.sort) return sortedPage(provider.scan(query.bbox, queryPredicate(query)), query.offset, query.limit, query.sort);
  return provider.query(query);
}
