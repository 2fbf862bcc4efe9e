// Running a ProviderQuery: the provider's own query(), or the generic fallback for what it does
// not do itself (sort: the query's cached sort order when the provider reads by position, else a
// bounded heap over a scan of the matches).
import { InvalidParameterValue } from '../errors.js';
import { compareBy, SortOrders, topK, type SortKey } from '../sort.js';
import { batchesOf, type Feature, type Provider, type ProviderQuery, type ProviderResult } from '../types.js';
import { queryPredicate } from './predicate.js';

/** Sorted pages keep offset+limit features in memory: past this depth, ask for a filter instead. */
export const MAX_SORTED_DEPTH = 100_000;

export async function sortedPage(source: AsyncIterable<Feature>, offset: number, limit: number, keys: SortKey[]): Promise<ProviderResult> {
  if (offset + limit > MAX_SORTED_DEPTH) throw new InvalidParameterValue('offset', `avec sortby, offset + limit ne peut dépasser ${MAX_SORTED_DEPTH} ; affinez le filtre`);
  const { top, count } = await topK(source, offset + limit, compareBy(keys));
  async function* page() { yield* top.slice(offset); }
  return { features: page(), numberMatched: async () => count };
}

/** Where sort orders are kept, and the key of this query's (everything but paging and output shape). */
export interface SortCache { orders: SortOrders; key: string }

/** A query with sort keys is a sorted page (see above); anything else goes to the provider. */
export async function runQuery(provider: Provider, query: ProviderQuery, cache?: SortCache): Promise<ProviderResult> {
  if (!query.sort) return provider.query(query);
  const predicate = queryPredicate(query);
  if (cache && provider.readAt) {
    const readAt = provider.readAt.bind(provider);
    const source = { scan: (properties: string[]) => batchesOf(provider, query.bbox, predicate, { properties }), readAt };
    const order = await cache.orders.order(cache.key, source, query.sort);
    if (order) return { features: SortOrders.page(source, order, query.offset, query.limit), numberMatched: async () => order.count };
  }
  return sortedPage(provider.scan(query.bbox, predicate), query.offset, query.limit, query.sort);
}
