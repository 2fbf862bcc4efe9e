// Sidecar `<file>.fgb.ids`: feature ids sorted, fixed-width records (id bytes, zero-padded, then
// the feature's index as u32), so that a lookup by id is a binary search by range reads.
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import type { RangeSource } from '../range-client.js';

const MAGIC = 'FGBIDS01';
const HEADER_BYTES = 16;

export function writeIdIndex(path: string, ids: string[], order: Uint32Array): void {
  const n = ids.length;
  const finalIndex = new Uint32Array(n);
  for (let k = 0; k < n; k++) finalIndex[order[k]] = k;
  const encoded = ids.map((id) => Buffer.from(id, 'utf8'));
  const width = encoded.reduce((max, b) => Math.max(max, b.length), 1);
  const sorted = Uint32Array.from({ length: n }, (_, i) => i).sort((a, b) => Buffer.compare(encoded[a], encoded[b]));
  const record = width + 4;
  const out = Buffer.alloc(HEADER_BYTES + n * record);
  out.write(MAGIC, 0, 'latin1');
  out.writeUInt32LE(width, 8);
  out.writeUInt32LE(n, 12);
  for (let r = 0; r < n; r++) {
    const i = sorted[r];
    if (r > 0 && encoded[sorted[r - 1]].equals(encoded[i])) throw new Error(`duplicate feature id ${ids[i]}`);
    const at = HEADER_BYTES + r * record;
    encoded[i].copy(out, at);
    out.writeUInt32LE(finalIndex[i], at + width);
  }
  const tmp = `${path}.tmp`;
  try {
    writeFileSync(tmp, out);
    renameSync(tmp, path);
  } catch (error) {
    rmSync(tmp, { force: true });
    throw error;
  }
}

export class IdIndex {
  private constructor(private source: RangeSource, private width: number, private count: number) {}

  /** Checks the sidecar against its file: magic, record width, one record per feature, exact size. */
  static async open(source: RangeSource, featuresCount?: number): Promise<IdIndex> {
    const head = Buffer.from(await source.read(0, HEADER_BYTES));
    if (head.length < HEADER_BYTES || head.toString('latin1', 0, 8) !== MAGIC) throw new Error('not an id index (bad magic bytes)');
    const width = head.readUInt32LE(8);
    const count = head.readUInt32LE(12);
    if (width < 1 || width > 4096) throw new Error(`corrupt id index (record width ${width})`);
    if (featuresCount !== undefined && count !== featuresCount) throw new Error(`id index holds ${count} ids, its file ${featuresCount} features`);
    const expected = HEADER_BYTES + count * (width + 4);
    if (source.size !== expected) throw new Error(`${source.size < expected ? 'truncated' : 'corrupt'} id index: ${expected} bytes expected, ${source.size} found`);
    return new IdIndex(source, width, count);
  }

  async lookup(id: string): Promise<number | null> {
    const key = Buffer.alloc(this.width);
    const bytes = Buffer.from(id, 'utf8');
    if (bytes.length > this.width) return null;
    bytes.copy(key);
    const record = this.width + 4;
    let lo = 0;
    let hi = this.count - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const entry = Buffer.from(await this.source.read(HEADER_BYTES + mid * record, record));
      const cmp = Buffer.compare(entry.subarray(0, this.width), key);
      if (cmp === 0) return entry.readUInt32LE(this.width);
      if (cmp < 0) lo = mid + 1;
      else hi = mid - 1;
    }
    return null;
  }

  close(): Promise<void> {
    return this.source.close();
  }
}
