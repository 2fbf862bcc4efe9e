// DIR/rejects.ndjson: one line per rejected record (collection, source, line or position, field,
// reason, the record), rewritten by each run; and the per-collection tallies of the summary.
import { closeSync, openSync, renameSync, writeSync } from 'node:fs';
import type { SourceRef } from './records.js';

export interface Reject extends SourceRef {
  collection: string;
  field: string;
  reason: string;
  errors?: string[];
  record?: Record<string, unknown>;
}

export interface CollectionTally { read: number; kept: number; rejected: number; ignoredFields: Record<string, number> }

const FLUSH = 1 << 20;

export class RejectLog {
  private fd: number;
  private buffer: string[] = [];
  private bytes = 0;
  private tmp: string;
  readonly tallies = new Map<string, CollectionTally>();

  /** Written under a temporary name and renamed on close, so a reader never sees half a file. */
  constructor(readonly path: string) {
    this.tmp = `${path}.${process.pid}.tmp`;
    this.fd = openSync(this.tmp, 'w');
  }

  tally(collection: string): CollectionTally {
    let t = this.tallies.get(collection);
    if (!t) this.tallies.set(collection, (t = { read: 0, kept: 0, rejected: 0, ignoredFields: {} }));
    return t;
  }

  add(reject: Reject): void {
    this.tally(reject.collection).rejected++;
    const line = `${JSON.stringify(reject)}\n`;
    this.buffer.push(line);
    this.bytes += line.length;
    if (this.bytes >= FLUSH) this.flush();
  }

  get total(): number {
    let n = 0;
    for (const t of this.tallies.values()) n += t.rejected;
    return n;
  }

  private flush(): void {
    if (this.buffer.length === 0) return;
    writeSync(this.fd, this.buffer.join(''));
    this.buffer = [];
    this.bytes = 0;
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
    renameSync(this.tmp, this.path);
  }
}
