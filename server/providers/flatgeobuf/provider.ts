// Provider over one FlatGeobuf file (local path or http(s) URL), read by range, never whole.
import { withNeeds, type Feature, type FeaturePredicate, type Provider, type ProviderQuery, type ProviderResult, type ProviderStats, type QueryConditions, type Rect, type ScanOptions } from '../../types.js';
import { CachedRangeSource, openRangeSource, type RangeSource } from '../range-client.js';
import { parseLocation } from '../../storage/location.js';
import { checkFeatureSpan, checkFeatureTables, decodeFeature, estimateHits, featureOffsets, positionsInBox, readLayout, searchIndex, type DecodeOptions, type FileLayout, type LeafBoxes } from './format.js';
import { checkLayout } from './validate.js';
import { asDataFileError, DataFileError } from '../data-error.js';
import { envelopeOf } from '../../cql2/geometry.js';
import { IdIndex } from './id-index.js';
import { checkId, PageFeatures } from './page-features.js';
import { ColumnMasks, thin } from './scan-hints.js';
import { LOCAL_RUNS, readRuns, REMOTE_RUNS, type RunOptions } from './runs.js';
import { flatten, mapErrors } from './iterate.js';

export { thin };
import { and, queryPredicate } from '../../query/predicate.js';
import { countMatches, evaluateColumns, matchingPositions, pagePositions, type ColumnsAnswer } from '../../query/columns.js';
import { ColumnsSidecar, fingerprintOf } from './columns.js';
import { OgcError } from '../../errors.js';

export interface FlatGeobufProviderOptions {
  /** Properties composing the feature id, joined by '_'. */
  idProperties: string[];
  /** Columns stored as JSON text holding arrays (decoded to arrays). */
  jsonColumns?: string[];
  /** Bytes of block cache for header, index and small feature reads. */
  cacheBytes?: number;
  /** Use the column sidecar `<file>.cols` when present and current (default true). */
  columns?: boolean;
}

interface ReadMode {
  predicate?: FeaturePredicate;
  /** Page features: lazy properties and a fast json(). Never for scans whose features are kept. */
  lazy?: boolean;
  /** Decode matches whole (page) or only as far as the predicate needs (counting). */
  full: boolean;
  /** What "whole" means: some properties only (ScanOptions.properties). */
  project?: DecodeOptions;
  decode?: DecodeOptions;
}

const SCAN_CHUNK = 4 * 1024 * 1024;
const BATCH = 1024;
/** Ranges of features up to this long are read through the index's offsets, longer ones streamed. */
const RANGE_MAX_FEATURES = 1024;

/**
 * Reads served from memory resolve at once, so a long scan (a count, a sort, an export) would hold
 * the event loop to its end: past SLICE_MS of work, give other requests (and I/O) a turn.
 */
const SLICE_MS = 10;
let sliceStart = performance.now();
async function breathe(): Promise<void> {
  if (performance.now() - sliceStart < SLICE_MS) return;
  await new Promise<void>((resolve) => setImmediate(resolve));
  sliceStart = performance.now();
}

export class FlatGeobufProvider implements Provider {
  private decodeOptions: DecodeOptions;
  private pages: PageFeatures;

  private constructor(
    private source: RangeSource,
    private layout: FileLayout,
    private ids: IdIndex | null,
    private options: FlatGeobufProviderOptions,
    /** For errors and logs only (never sent to clients). */
    readonly location: string,
    /** Column statistics and indexes (columns.ts), null when absent or stale. */
    private columns: ColumnsSidecar | null = null,
    /** Features read by position: from a local file straight (the OS caches it), remote through the block cache. */
    private featureSource: RangeSource = source,
    private runs: RunOptions = LOCAL_RUNS,
  ) {
    this.decodeOptions = { geometry: true, jsonColumns: new Set(options.jsonColumns ?? []) };
    this.pages = new PageFeatures(layout.header, options.idProperties, this.decodeOptions);
  }

  static async open(location: string, options: FlatGeobufProviderOptions): Promise<FlatGeobufProvider> {
    const blocks = Math.max(16, Math.floor((options.cacheBytes ?? 32 * 1024 * 1024) / (64 * 1024)));
    let source: RangeSource;
    let raw: RangeSource;
    try {
      raw = await openRangeSource(location);
      source = new CachedRangeSource(raw, 64 * 1024, blocks);
    } catch (error) {
      throw asDataFileError(location, error);
    }
    try {
      let layout: FileLayout;
      try {
        layout = await readLayout(source);
        await checkLayout(source, layout, { leaves: !/^https?:\/\//i.test(location) }); // remote: no extra megabytes at open
      } catch (error) {
        throw asDataFileError(location, error);
      }
      const ids = await openIds(`${location}.ids`, layout.header.featuresCount);
      const columns = options.columns === false ? null : await openColumns(`${location}.cols`, source, layout.header.featuresCount);
      const local = parseLocation(location).kind === 'file';
      return new FlatGeobufProvider(source, layout, ids, options, location, columns, local ? raw : source, local ? LOCAL_RUNS : REMOTE_RUNS);
    } catch (error) {
      await source.close();
      throw error;
    }
  }

  get header() { return this.layout.header; }

  async stats(): Promise<ProviderStats> {
    const envelope = this.layout.header.envelope;
    return {
      featuresCount: this.layout.header.featuresCount,
      extent: envelope ? { minX: envelope[0], minY: envelope[1], maxX: envelope[2], maxY: envelope[3] } : null,
      version: this.source.version,
      metadata: parseMetadata(this.layout.header.metadata),
    };
  }

  async query(query: ProviderQuery): Promise<ProviderResult> {
    try {
      const result = await this.unguardedQuery(query);
      return { features: mapErrors(result.features, (error) => asDataFileError(this.location, error)), numberMatched: () => result.numberMatched().catch((error) => { throw asDataFileError(this.location, error); }) };
    } catch (error) {
      throw asDataFileError(this.location, error);
    }
  }

  /** Any error while reading or decoding is the file's: a 503 for its collection, never null features. */
  private async *guard<T>(iterable: AsyncIterable<T>): AsyncGenerator<T> {
    try {
      yield* iterable;
    } catch (error) {
      throw asDataFileError(this.location, error);
    }
  }

  private async unguardedQuery(query: ProviderQuery): Promise<ProviderResult> {
    const { offset, limit } = query;
    const candidates = query.bbox && this.indexed ? await searchIndex(this.source, this.layout, query.bbox) : null;
    let predicate = queryPredicate(query);
    if (query.bbox && !this.indexed) predicate = inBbox(query.bbox, predicate);
    if (!predicate) {
      const total = candidates ? candidates.length : this.layout.header.featuresCount;
      const lazy: ReadMode = { lazy: true, full: true };
      const features = candidates
        ? this.readIndices(candidates.subarray(Math.min(offset, candidates.length), Math.min(offset + limit, candidates.length)), lazy)
        : this.readRange(offset, Math.min(offset + limit, total) - 1, lazy);
      return { features, numberMatched: async () => total };
    }
    if (this.columns && query.where) {
      const planned = await this.columnsQuery(query, candidates, predicate);
      if (planned) return planned;
    }
    const mode: ReadMode = { predicate, full: true, lazy: true };
    return this.predicatePage(candidates ? this.readIndices(candidates, mode) : this.readRange(0, this.layout.header.featuresCount - 1, mode), mode, query,
      candidates ? candidates.length : this.layout.header.featuresCount);
  }

  /**
   * The conditions answered by the column sidecar: exactly (the page is read by position, the count
   * is known) or as candidates the predicate is then tested on. Undefined: scan as without sidecar.
   */
  private async columnsQuery(query: ProviderQuery, candidates: Uint32Array | null, predicate: FeaturePredicate): Promise<ProviderResult | undefined> {
    let answer: ColumnsAnswer | undefined;
    try {
      answer = await evaluateColumns(query.where!, this.columns!, this.decodeOptions.jsonColumns);
    } catch (error) {
      if (error instanceof OgcError) throw error;
      return undefined; // the scan gives the answer (or the error) the fallback always gave
    }
    if (!answer) return undefined;
    const { mask } = answer;
    const all = this.layout.header.featuresCount;
    if (!this.indexed) {
      // No R-tree, so no feature offsets: stream the file, testing the mask before decoding anything.
      const inMask = withNeeds((f) => mask[f.index] === 1, [], false);
      if (answer.exact && !query.predicate && !query.bbox) {
        const mode: ReadMode = { predicate: inMask, full: true, lazy: true };
        const result = this.predicatePage(this.readRange(0, all - 1, mode), mode, { ...query, count: false }, all);
        return { features: result.features, numberMatched: async () => { await result.numberMatched(); return countMatches(mask); } };
      }
      const tested = countMatches(mask);
      if (tested > all / 4) return undefined;
      const mode: ReadMode = { predicate: and([inMask, predicate]), full: true, lazy: true };
      return this.predicatePage(this.readRange(0, all - 1, mode), mode, query, tested);
    }
    if (answer.exact && !query.predicate) {
      const { offset, limit } = query;
      if (!candidates) {
        // Only the page's positions are listed; the count is a pass over the mask, when asked.
        return { features: this.readIndices(pagePositions(mask, offset, limit), { lazy: true, full: true }), numberMatched: async () => countMatches(mask) };
      }
      const positions = matchingPositions(mask, candidates);
      const page = positions.subarray(Math.min(offset, positions.length), Math.min(offset + limit, positions.length));
      return { features: this.readIndices(page, { lazy: true, full: true }), numberMatched: async () => positions.length };
    }
    const positions = matchingPositions(mask, candidates ?? undefined);
    // Not selective: reading most of the file by position costs more than streaming it.
    if (positions.length > all / 4) return undefined;
    const mode: ReadMode = { predicate, full: true, lazy: true };
    return this.predicatePage(this.readIndices(positions, mode), mode, query, positions.length);
  }

  /** With a predicate: skip and fill the page, then (only if asked) keep counting, decoding from then on only what the predicate reads. */
  private predicatePage(all: AsyncIterable<Feature>, mode: ReadMode, query: ProviderQuery, tested: number): ProviderResult {
    const { offset, limit } = query;
    const count = query.count && (query.countLimit === undefined || tested <= query.countLimit);
    const iterator = all[Symbol.asyncIterator]();
    let matched = 0;
    let done = false;
    async function* page(): AsyncGenerator<Feature> {
      while (matched < offset + limit) {
        const next = await iterator.next();
        if (next.done) { done = true; return; }
        matched++;
        if (matched > offset) yield next.value;
      }
    }
    return {
      features: page(),
      numberMatched: async () => {
        if (!count) { await iterator.return?.(undefined); return undefined; }
        mode.full = false;
        if (!done) for (let next = await iterator.next(); !next.done; next = await iterator.next()) matched++;
        return matched;
      },
    };
  }

  async *scan(bbox?: Rect, predicate?: FeaturePredicate, options: ScanOptions = {}): AsyncIterable<Feature> {
    for await (const batch of this.scanBatches(bbox, predicate, options)) yield* batch;
  }

  /** scan() in arrays of up to BATCH features: one await per batch, not per feature (tiles read ~10⁶). */
  scanBatches(bbox?: Rect, predicate?: FeaturePredicate, options: ScanOptions = {}): AsyncIterable<Feature[]> {
    return this.guard(this.unguardedBatches(bbox, predicate, options));
  }

  private async *unguardedBatches(bbox?: Rect, predicate?: FeaturePredicate, options: ScanOptions = {}): AsyncIterable<Feature[]> {
    if (bbox && !this.indexed) { predicate = inBbox(bbox, predicate); bbox = undefined; }
    const all = this.layout.header.featuresCount;
    // Conditions the column sidecar answers: only their candidates are read (the predicate still tests them).
    const mask = predicate && options.where ? await this.columnsMask(options.where) : undefined;
    // Fewer matches in the whole file than the R-tree has in the box (seen from the level above its
    // leaves): their leaf boxes are tested instead of searching (a map's one-year layer over a dense area).
    if (mask && bbox && this.maskCount(mask) < await estimateHits(this.source, this.layout, bbox)) {
      const positions = await positionsInBox(this.source, this.layout, matchingPositions(mask), bbox, options.keepBox);
      yield* this.indexBatches(positions, this.scanMode(predicate, options, positions.length));
      return;
    }
    let hits: Uint32Array | null = null;
    if (bbox) {
      const hinted = options.keepBox !== undefined || (options.sample !== undefined && !predicate);
      const boxes: LeafBoxes | undefined = hinted ? [] : undefined;
      hits = await searchIndex(this.source, this.layout, bbox, boxes);
      if (boxes) hits = thin(hits, boxes, options.keepBox, predicate ? undefined : options.sample);
    }
    let positions = hits;
    if (mask) {
      const matching = matchingPositions(mask, hits ?? undefined);
      // Not selective, without a box: streaming the file costs less than reading most of it by position.
      if (hits || matching.length <= all / 4) positions = matching;
    }
    const mode = this.scanMode(predicate, options, positions ? positions.length : all);
    yield* positions ? this.indexBatches(positions, mode) : this.rangeBatches(0, all - 1, mode);
  }

  /** How a scan decodes: the properties asked (or whole, when `wholeUpTo` allows it for `candidates`), shared geometries. */
  private scanMode(predicate: FeaturePredicate | undefined, options: ScanOptions, candidates: number): ReadMode | undefined {
    let properties = options.properties;
    if (properties && options.wholeUpTo && candidates <= options.wholeUpTo.count) {
      options.wholeUpTo.whole();
      properties = options.wholeUpTo.properties;
    }
    let project: DecodeOptions | undefined = properties
      ? { columns: new Set([...properties, ...this.options.idProperties]), geometry: true, jsonColumns: this.decodeOptions.jsonColumns }
      : undefined;
    // A memo per scan: features decoded one after the other share the previous identical geometry.
    if (options.shareGeometry) project = { ...(project ?? this.decodeOptions), memo: {} };
    return predicate || project ? { predicate, full: true, project } : undefined;
  }

  /** Matches of a mask, counted once per mask. */
  private maskCount(mask: Uint8Array): number {
    let n = this.maskCounts.get(mask);
    if (n === undefined) this.maskCounts.set(mask, (n = countMatches(mask)));
    return n;
  }
  private maskCounts = new WeakMap<Uint8Array, number>();

  /** The sidecar's mask of `where` (1: may match), or undefined when it answers none of it. */
  private columnsMask(where: QueryConditions): Promise<Uint8Array | undefined> {
    const columns = this.columns;
    if (!columns || !this.indexed) return Promise.resolve(undefined);
    return this.masks.get(where, () => evaluateColumns(where, columns, this.decodeOptions.jsonColumns));
  }
  private masks = new ColumnMasks();

  async get(id: string): Promise<Feature | null> {
    try {
      return await this.unguardedGet(id);
    } catch (error) {
      throw asDataFileError(this.location, error);
    }
  }

  private async unguardedGet(id: string): Promise<Feature | null> {
    if (this.ids) {
      const index = await this.ids.lookup(id);
      if (index !== null && index >= this.layout.header.featuresCount) throw new DataFileError(`${this.location}.ids`, `id index points to feature ${index} of ${this.layout.header.featuresCount}`);
      if (index === null) return null;
      for await (const feature of this.readRange(index, index)) return feature.id === id ? feature : null;
      return null;
    }
    for await (const feature of this.scan()) if (feature.id === id) return feature;
    return null;
  }

  readAt(indices: Uint32Array): AsyncIterable<Feature> {
    if (indices.some((i) => i >= this.layout.header.featuresCount)) throw new RangeError(`feature position past the ${this.layout.header.featuresCount} features`);
    return mapErrors(this.readIndices(indices, { lazy: true, full: true }), (error) => asDataFileError(this.location, error));
  }

  async close(): Promise<void> {
    await this.source.close();
    await this.ids?.close();
    await this.columns?.close();
  }

  /** Whether a current column sidecar is in use (tests, benchmarks). */
  get hasColumns(): boolean { return this.columns !== null; }

  /** Files written elsewhere (or without geometry) may have no R-tree: bbox then filters a scan. */
  private get indexed(): boolean { return this.layout.header.indexNodeSize > 0; }

  private toFeature(bytes: Uint8Array, position: number, index: number, decode = this.decodeOptions): Feature {
    const { geometry, properties } = decodeFeature(bytes, position, this.layout.header, decode);
    const idProperties = this.options.idProperties;
    checkId(properties, idProperties, index);
    const id = idProperties.length === 1 ? String(properties[idProperties[0]]) : idProperties.map((p) => properties[p]).join('_');
    return { id, index, geometry, properties };
  }

  /** Applies the read mode's predicate, decoding first only what it needs. */
  private filtered(bb: Uint8Array, position: number, index: number, mode: ReadMode | undefined): Feature | null {
    const whole = () => (mode?.lazy ? this.pages.feature(bb, position, index) : this.toFeature(bb, position, index, mode?.project));
    if (!mode?.predicate) return whole();
    const needs = mode.predicate.needs;
    if (!needs) {
      // A predicate that does not say what it reads sees the whole feature, projection or not.
      const feature = mode.project ? this.toFeature(bb, position, index) : whole();
      return mode.predicate(feature) ? feature : null;
    }
    mode.decode ??= { columns: new Set(needs.properties), geometry: needs.geometry, jsonColumns: this.decodeOptions.jsonColumns };
    const partial = decodeFeature(bb, position, this.layout.header, mode.decode);
    if (!mode.predicate({ id: '', index, geometry: partial.geometry, properties: partial.properties })) return null;
    return mode.full ? whole() : { id: '', index, ...partial };
  }

  private readRange(from: number, to: number, mode?: ReadMode): AsyncIterable<Feature> {
    return flatten(this.rangeBatches(from, to, mode));
  }

  private readIndices(indices: Uint32Array, mode?: ReadMode): AsyncIterable<Feature> {
    return flatten(this.indexBatches(indices, mode));
  }

  /** Features from..to (inclusive, file order). Small ranges go through the index, large ones stream. */
  private async *rangeBatches(from: number, to: number, mode?: ReadMode): AsyncGenerator<Feature[]> {
    if (to < from) return;
    if (this.layout.header.indexNodeSize === 0 || to - from > RANGE_MAX_FEATURES) {
      yield* this.sequential(from, to, mode);
      return;
    }
    const offsets = await featureOffsets(this.source, this.layout, from, to);
    const bb = await this.readFeatures(offsets[0], offsets[to - from + 1]);
    const batch: Feature[] = [];
    for (let i = from; i <= to; i++) {
      checkFeatureSpan(bb, offsets[i - from] - offsets[0], offsets[i - from + 1] - offsets[i - from], i);
      const feature = this.filtered(bb, offsets[i - from] - offsets[0], i, mode);
      if (feature) batch.push(feature);
    }
    if (batch.length) yield batch;
  }

  /** The features section's bytes [start, end), all of them or an error (bounds-checked). */
  private async readFeatures(start: number, end: number): Promise<Uint8Array> {
    const bytes = await this.source.read(this.layout.featuresOffset + start, end - start);
    if (bytes.length !== end - start) throw new Error(`truncated file: ${end - start} feature bytes asked at ${start}, ${bytes.length} read`);
    return bytes;
  }

  /** Streams the features section in large chunks, from feature `from` to `to`. */
  private async *sequential(from: number, to: number, mode?: ReadMode): AsyncGenerator<Feature[]> {
    let position = this.layout.featuresOffset;
    if (from > 0 && this.layout.header.indexNodeSize > 0) {
      position += (await featureOffsets(this.source, this.layout, from, from))[0];
    }
    let index = this.layout.header.indexNodeSize > 0 ? from : 0;
    let batch: Feature[] = [];
    while (position < this.source.size && index <= to) {
      // A feature cut by the chunk's end is read again at the start of the next chunk.
      const bytes = await this.source.read(position, SCAN_CHUNK);
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      let at = 0;
      while (at + 4 <= bytes.length && index <= to) {
        const size = view.getUint32(at, true);
        if (size === 0) throw new Error(`feature ${index}: empty size prefix (corrupt file)`);
        if (at + 4 + size > bytes.length) {
          if (position + at + 4 + size > this.source.size) throw new Error(`feature ${index} runs past the end of the file (truncated or corrupt)`);
          if (at === 0) throw new Error(`feature ${index} is larger than the scan chunk`);
          break;
        }
        if (index >= from) {
          checkFeatureTables(bytes, at, index);
          const feature = this.filtered(bytes, at, index, mode);
          // Capped batches: a page that stops early has decoded at most BATCH matches too many.
          if (feature && batch.push(feature) >= BATCH) { yield batch; batch = []; await breathe(); }
        }
        index++;
        at += 4 + size;
      }
      if (bytes.length === 0) break;
      position += at;
      await breathe();
    }
    if (position < this.source.size && index <= to) throw new Error(`bytes left after feature ${index - 1} (corrupt file)`);
    // Fewer features than the header promises: the file was cut at a feature boundary.
    if (index <= to && to < this.layout.header.featuresCount) throw new Error(`file ends after ${index} of ${this.layout.header.featuresCount} features (truncated)`);
    if (batch.length) yield batch;
  }

  /** Reads the features at sorted indices, neighbours in bytes sharing one read (runs.ts): a batch per run. */
  private async *indexBatches(indices: Uint32Array, mode?: ReadMode): AsyncGenerator<Feature[]> {
    for await (const run of readRuns(this.featureSource, this.source, this.layout, indices, this.runs)) {
      const batch: Feature[] = [];
      for (let k = 0; k < run.count; k++) {
        const index = indices[run.first + k];
        checkFeatureSpan(run.bytes, run.starts[k], run.ends[k] - run.starts[k], index);
        const feature = this.filtered(run.bytes, run.starts[k], index, mode);
        if (feature) batch.push(feature);
      }
      if (batch.length) yield batch;
      await breathe();
    }
  }
}

/** The id sidecar: absent is fine (lookups scan), present but inconsistent with the file is not. */
async function openIds(location: string, featuresCount: number): Promise<IdIndex | null> {
  let source: RangeSource;
  try {
    source = new CachedRangeSource(await openRangeSource(location), 16 * 1024, 256);
  } catch {
    return null; // no sidecar: lookups by id fall back to a scan
  }
  try {
    return await IdIndex.open(source, featuresCount);
  } catch (error) {
    await source.close();
    throw asDataFileError(location, error);
  }
}

/** The column sidecar: absent, unreadable or from another build of the file is fine (queries scan). */
async function openColumns(location: string, data: RangeSource, featuresCount: number): Promise<ColumnsSidecar | null> {
  let source: RangeSource;
  try {
    source = await openRangeSource(location);
  } catch {
    return null;
  }
  try {
    const sidecar = await ColumnsSidecar.open(source, await fingerprintOf(data), featuresCount);
    if (!sidecar) await source.close();
    return sidecar;
  } catch {
    await source.close();
    return null;
  }
}

function inBbox(bbox: Rect, predicate?: FeaturePredicate): FeaturePredicate {
  const test = (f: Feature) => {
    const box = f.geometry ? envelopeOf(f.geometry) : undefined;
    return !!box && box.minX <= bbox.maxX && box.maxX >= bbox.minX && box.minY <= bbox.maxY && box.maxY >= bbox.minY && (!predicate || predicate(f));
  };
  return predicate && !predicate.needs ? test : withNeeds(test, predicate?.needs?.properties ?? [], true);
}

function parseMetadata(text: string | null): ProviderStats['metadata'] {
  if (!text) return undefined;
  try { return JSON.parse(text); } catch { return undefined; }
}

