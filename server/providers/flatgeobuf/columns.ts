// Sidecar `<file>.fgb.cols`: per-column statistics and indexes written beside a FlatGeobuf at
// build time, so that counts and selective filters read a few megabytes instead of the file.
//   "FGBCOLS1", u32 header length, header JSON, zero padding to 8, then the columns.
// A column is either a dictionary (few distinct values: the values and how many features hold
// each — the posting-list lengths — in the header, then one u8/u16 code per feature in file
// order) or f64 (every value in file order, NaN for null). The header carries the data file's
// fingerprint (size, first and last 64 KiB): a sidecar from another build of the file is ignored.
import { createHash } from 'node:crypto';
import { closeSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { ColumnType } from 'flatgeobuf/lib/mjs/flat-geobuf/column-type.js';
import { LRUCache } from 'lru-cache';
import type { RangeSource } from '../range-client.js';
import type { ColumnData, ColumnStore, NumberInterval } from '../../query/columns.js';

const MAGIC = 'FGBCOLS1';
const FINGERPRINT_BYTES = 64 * 1024;
/** More distinct values than this: not a dictionary (numbers then go to f64, strings are not indexed). */
const MAX_DICTIONARY = 65_535;
const INDEXED_TYPES = new Set<number>([ColumnType.Bool, ColumnType.Byte, ColumnType.UByte, ColumnType.Short, ColumnType.UShort, ColumnType.Int,
  ColumnType.UInt, ColumnType.Float, ColumnType.Double, ColumnType.String]);
const NUMERIC_TYPES = new Set<number>([ColumnType.Byte, ColumnType.UByte, ColumnType.Short, ColumnType.UShort, ColumnType.Int, ColumnType.UInt, ColumnType.Float, ColumnType.Double]);

export interface ColumnEntry {
  name: string;
  kind: 'dict' | 'f64';
  /** dict: code → value (code 0 is null); counts[code]: features holding it. */
  values?: (string | number | boolean | null)[];
  counts?: number[];
  /** dict: bytes per code (1 or 2). */
  width?: number;
  /** Byte offset (from the data start) and length of the column. */
  offset: number;
  length: number;
  /**
   * f64: a sorted index — the values ascending (`sortedOffset`) and the feature positions in that
   * order (`orderOffset`, u32), nulls last; `fences[k]` is the value at rank k × FENCE, so a bound
   * is found with one read of FENCE values.
   */
  sortedOffset?: number;
  orderOffset?: number;
  nulls?: number;
  fences?: number[];
}

const FENCE = 4096;

export interface ColumnsHeader { fingerprint: string; featuresCount: number; columns: ColumnEntry[] }

/** The data file's identity for its sidecars: size and the bytes at both ends, hashed. */
export async function fingerprintOf(source: RangeSource): Promise<string> {
  const hash = createHash('sha256').update(String(source.size));
  hash.update(await source.read(0, Math.min(FINGERPRINT_BYTES, source.size)));
  const tail = Math.max(0, source.size - FINGERPRINT_BYTES);
  hash.update(await source.read(tail, source.size - tail));
  return hash.digest('base64url');
}

/** Accumulates the indexable columns of a file's features, in file order. */
export class ColumnsBuilder {
  private dicts = new Map<string, { codes: Map<unknown, number>; values: (string | number | boolean | null)[]; counts: number[]; data: Uint16Array } | null>();
  private numbers = new Map<string, Float64Array | null>();
  private n = 0;

  constructor(columns: { name: string; type: number }[], private featuresCount: number, skip: Set<string> = new Set(), private maxDictionary = MAX_DICTIONARY) {
    for (const c of columns) {
      if (!INDEXED_TYPES.has(c.type) || skip.has(c.name)) continue;
      this.dicts.set(c.name, { codes: new Map([[null, 0]]), values: [null], counts: [0], data: new Uint16Array(featuresCount) });
      if (NUMERIC_TYPES.has(c.type)) this.numbers.set(c.name, new Float64Array(featuresCount));
    }
  }

  get names(): string[] { return [...this.dicts.keys()]; }

  add(properties: Record<string, unknown>): void {
    const i = this.n++;
    if (i >= this.featuresCount) throw new Error('more features than the header says');
    for (const [name, dict] of this.dicts) {
      let value = properties[name] as string | number | boolean | null | undefined;
      if (value === undefined) value = null;
      const numbers = this.numbers.get(name);
      if (numbers) {
        // NaN would read as null, ±Infinity does not survive JSON: such a column is not indexed.
        if (typeof value === 'number' && !Number.isFinite(value)) { this.drop(name); continue; }
        numbers[i] = value === null ? NaN : (value as number);
      }
      if (!dict) continue;
      let code = dict.codes.get(value);
      if (code === undefined) {
        if (dict.values.length > this.maxDictionary) { this.dicts.set(name, null); if (!numbers) this.drop(name); continue; }
        code = dict.values.length;
        dict.codes.set(value, code);
        dict.values.push(value);
        dict.counts.push(0);
      }
      dict.counts[code]++;
      dict.data[i] = code;
    }
  }

  private drop(name: string): void {
    this.dicts.delete(name);
    this.numbers.delete(name);
  }

  /** Writes `<path>.tmp` then renames it to `path`. */
  write(path: string, fingerprint: string): void {
    if (this.n !== this.featuresCount) throw new Error(`${this.n} features read, the header says ${this.featuresCount}`);
    const entries: ColumnEntry[] = [];
    const blocks: Uint8Array[] = [];
    let offset = 0;
    const push = (bytes: Uint8Array) => {
      blocks.push(bytes);
      const padded = Math.ceil(bytes.length / 8) * 8;
      if (padded > bytes.length) blocks.push(new Uint8Array(padded - bytes.length));
      const at = offset;
      offset += padded;
      return at;
    };
    for (const name of new Set([...this.dicts.keys(), ...this.numbers.keys()])) {
      const dict = this.dicts.get(name);
      if (dict) {
        const width = dict.values.length <= 256 ? 1 : 2;
        const bytes = width === 1 ? new Uint8Array(Uint8Array.from(dict.data).buffer) : new Uint8Array(dict.data.buffer);
        entries.push({ name, kind: 'dict', values: dict.values, counts: dict.counts, width, offset: push(bytes), length: bytes.length });
      } else {
        const numbers = this.numbers.get(name)!;
        const n = numbers.length;
        const order = new Uint32Array(n);
        for (let i = 0; i < n; i++) order[i] = i;
        // NaN (null) last, ties in file order.
        order.sort((a, b) => { const x = numbers[a], y = numbers[b]; return x !== x ? (y !== y ? a - b : 1) : y !== y ? -1 : x < y ? -1 : x > y ? 1 : a - b; });
        const sorted = new Float64Array(n);
        let nulls = 0;
        for (let k = 0; k < n; k++) { sorted[k] = numbers[order[k]]; if (Number.isNaN(sorted[k])) nulls++; }
        const fences: number[] = [];
        for (let k = 0; k < n - nulls; k += FENCE) fences.push(sorted[k]);
        entries.push({
          name, kind: 'f64', offset: push(new Uint8Array(numbers.buffer)), length: numbers.byteLength,
          sortedOffset: push(new Uint8Array(sorted.buffer)), orderOffset: push(new Uint8Array(order.buffer)), nulls, fences,
        });
      }
    }
    const header = Buffer.from(JSON.stringify({ fingerprint, featuresCount: this.featuresCount, columns: entries } satisfies ColumnsHeader));
    const prefix = Buffer.alloc(Math.ceil((12 + header.length) / 8) * 8);
    prefix.write(MAGIC, 0, 'latin1');
    prefix.writeUInt32LE(header.length, 8);
    header.copy(prefix, 12);
    const tmp = `${path}.tmp`;
    const fd = openSync(tmp, 'w');
    try {
      let position = 0;
      for (const b of [prefix, ...blocks]) { writeSync(fd, b, 0, b.length, position); position += b.length; }
      closeSync(fd);
      renameSync(tmp, path);
    } catch (error) {
      try { closeSync(fd); } catch { /* closed */ }
      rmSync(tmp, { force: true });
      throw error;
    }
  }
}

/** A sidecar opened for reading: the header at once, each column by one range read when first used. */
export class ColumnsSidecar implements ColumnStore {
  private constructor(private source: RangeSource, private header: ColumnsHeader, private dataStart: number, private byName: Map<string, ColumnEntry>) {}

  /** null when the sidecar is absent, unreadable or made for another version of the data file. */
  static async open(source: RangeSource, fingerprint: string, featuresCount: number): Promise<ColumnsSidecar | null> {
    const first = await source.read(0, Math.min(source.size, 64 * 1024));
    if (first.length < 12 || Buffer.from(first.subarray(0, 8)).toString('latin1') !== MAGIC) return null;
    const length = new DataView(first.buffer, first.byteOffset, first.byteLength).getUint32(8, true);
    const bytes = 12 + length <= first.length ? first.subarray(12, 12 + length) : await source.read(12, length);
    const header = JSON.parse(Buffer.from(bytes).toString('utf8')) as ColumnsHeader;
    if (header.fingerprint !== fingerprint || header.featuresCount !== featuresCount) return null;
    const dataStart = Math.ceil((12 + length) / 8) * 8;
    for (const c of header.columns) if (dataStart + c.offset + c.length > source.size) return null;
    return new ColumnsSidecar(source, header, dataStart, new Map(header.columns.map((c) => [c.name, c])));
  }

  get featuresCount(): number { return this.header.featuresCount; }

  kind(name: string): 'dict' | 'f64' | undefined { return this.byName.get(name)?.kind; }

  /** Features per value of a dictionary column (its posting-list lengths), without reading it. */
  counts(name: string): Map<unknown, number> | undefined {
    const c = this.byName.get(name);
    if (c?.kind !== 'dict') return undefined;
    return new Map(c.values!.map((v, i) => [v, c.counts![i]]));
  }

  /** Loaded columns, shared by every sidecar of the process and bounded in bytes. */
  static cache = new LRUCache<string, ColumnData>({ maxSize: 512 * 1024 * 1024, sizeCalculation: (c) => Math.max(1, c.kind === 'f64' ? c.numbers.byteLength : c.codes.byteLength) });
  private loading = new Map<string, Promise<ColumnData>>();

  async load(name: string): Promise<ColumnData> {
    const key = `${this.header.fingerprint}|${name}`;
    const cached = ColumnsSidecar.cache.get(key);
    if (cached) return cached;
    let pending = this.loading.get(name);
    if (!pending) {
      pending = this.read(name).then((c) => { ColumnsSidecar.cache.set(key, c); return c; }).finally(() => this.loading.delete(name));
      this.loading.set(name, pending);
    }
    return pending;
  }

  private async read(name: string): Promise<ColumnData> {
    const c = this.byName.get(name);
    if (!c) throw new Error(`no column ${name} in the sidecar`);
    const bytes = await this.source.read(this.dataStart + c.offset, c.length);
    if (bytes.length !== c.length) throw new Error(`sidecar column ${name} truncated`);
    // Typed arrays need aligned bytes of their own: a large read usually is one (no copy); else copy.
    let own = bytes;
    if (bytes.byteOffset % 8 !== 0 || bytes.buffer.byteLength !== bytes.byteLength) { own = new Uint8Array(c.length); own.set(bytes); }
    if (c.kind === 'f64') return { kind: 'f64', numbers: new Float64Array(own.buffer, own.byteOffset, c.length / 8) };
    return { kind: 'dict', values: c.values!, codes: c.width === 1 ? own : new Uint16Array(own.buffer, own.byteOffset, c.length / 2) };
  }

  /** Whether a column is in memory already (then a pass over it beats reading its sorted index). */
  isLoaded(name: string): boolean { return ColumnsSidecar.cache.has(`${this.header.fingerprint}|${name}`); }

  hasSorted(name: string): boolean { return this.byName.get(name)?.orderOffset !== undefined && !this.isLoaded(name); }

  /**
   * Positions of the features whose value lies in one of the intervals, and of the null ones,
   * through the sorted index: the fences, one block of values per bound, then the order slices.
   */
  async positionsIn(name: string, intervals: NumberInterval[]): Promise<{ hits: Uint32Array[]; nulls: Uint32Array }> {
    const c = this.byName.get(name)!;
    const n = this.header.featuresCount;
    const values = n - c.nulls!;
    const hits: Uint32Array[] = [];
    for (const i of intervals) {
      const from = await this.rank(c, values, i.low, !i.lowOpen);
      const to = await this.rank(c, values, i.high, i.highOpen);
      if (to > from) hits.push(await this.order(c, from, to));
    }
    return { hits, nulls: values < n ? await this.order(c, values, n) : new Uint32Array(0) };
  }

  /** The rank of the first value ≥ v (`inclusive`) or > v among the non-null values. */
  private async rank(c: ColumnEntry, values: number, v: number, inclusive: boolean): Promise<number> {
    if (v === -Infinity && inclusive) return 0;
    const before = (x: number) => (inclusive ? x < v : x <= v); // x ranks before the bound
    const fences = c.fences!;
    let j = 0;
    while (j < fences.length && before(fences[j])) j++; // fences are few (n / 4096): a linear walk is enough
    if (j === 0) return 0;
    const start = (j - 1) * FENCE;
    const end = Math.min(j * FENCE, values);
    const bytes = await this.source.read(this.dataStart + c.sortedOffset! + start * 8, (end - start) * 8);
    const own = bytes.byteOffset % 8 === 0 ? bytes : Uint8Array.from(bytes);
    const block = new Float64Array(own.buffer, own.byteOffset, end - start);
    let lo = 0, hi = block.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (before(block[mid])) lo = mid + 1; else hi = mid; }
    return start + lo;
  }

  private async order(c: ColumnEntry, from: number, to: number): Promise<Uint32Array> {
    const bytes = await this.source.read(this.dataStart + c.orderOffset! + from * 4, (to - from) * 4);
    const own = bytes.byteOffset % 4 === 0 ? bytes : Uint8Array.from(bytes);
    return new Uint32Array(own.buffer, own.byteOffset, to - from);
  }

  async close(): Promise<void> { await this.source.close(); }
}
