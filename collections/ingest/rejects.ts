// DIR/rejects.ndjson: one line per rejected record (collection, source, line or position, field,
// reason, the record), and one per record kept with a warning (`"kept": true`, e.g. a code outside
// its list), rewritten by each run; and the per-collection tallies of the summary, with counts by reason.
import { closeSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { reasonGroup, type SourceRef } from './records.js';

export interface Reject extends SourceRef {
  collection: string;
  field: string;
  reason: string;
  errors?: string[];
  record?: Record<string, unknown>;
  /** True for a warning: the record was kept. */
  kept?: boolean;
}

export interface CollectionTally {
  read: number;
  kept: number;
  rejected: number;
  /** Kept records with a warning. */
  flagged: number;
  /** Rejects by "field : reason" (values left out), most frequent first in the summary. */
  reasons: Record<string, number>;
  /** Warnings of kept records, by "field : reason". */
  flags: Record<string, number>;
  ignoredFields: Record<string, number>;
}

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
    if (!t) this.tallies.set(collection, (t = { read: 0, kept: 0, rejected: 0, flagged: 0, reasons: {}, flags: {}, ignoredFields: {} }));
    return t;
  }

  add(reject: Reject): void {
    const tally = this.tally(reject.collection);
    tally.rejected++;
    const group = reasonGroup(reject.field, reject.reason);
    tally.reasons[group] = (tally.reasons[group] ?? 0) + 1;
    this.write(reject);
  }

  /** A kept record's warnings: counted, and one line each (with `kept: true`). */
  flag(reject: Omit<Reject, 'kept'>): void {
    const tally = this.tally(reject.collection);
    const group = reasonGroup(reject.field, reject.reason);
    tally.flags[group] = (tally.flags[group] ?? 0) + 1;
    this.write({ ...reject, kept: true });
  }

  private write(reject: Reject): void {
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
    try {
      this.flush();
    } catch (error) {
      // A full disk: leave the previous report in place and no temporary file behind.
      closeSync(this.fd);
      rmSync(this.tmp, { force: true });
      throw error;
    }
    closeSync(this.fd);
    renameSync(this.tmp, this.path);
  }
}
