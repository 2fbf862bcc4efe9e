// Tile sidecars written beside a data file at build time (`<file>.tiles`, `<file>.tiles-mvt`, …):
// "MAGC" (4 bytes), u32 format, u32 header length, the header JSON, then the sidecar's bytes. The
// header names the data file it was computed from (size and a hash of its first and last 64 KiB):
// a sidecar of another data version is ignored, and the tile is rendered from the data.
import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';

const FINGERPRINT_BYTES = 64 * 1024;

/** Size and SHA-256 of the first and last 64 KiB: identifies one build of a data file. */
export function dataFingerprint(path: string): { size: number; hash: string } {
  const size = statSync(path).size;
  const fd = openSync(path, 'r');
  try {
    const hash = createHash('sha256');
    for (const offset of [0, Math.max(0, size - FINGERPRINT_BYTES)]) {
      const buffer = Buffer.alloc(Math.min(FINGERPRINT_BYTES, size));
      readSync(fd, buffer, 0, buffer.length, offset);
      hash.update(buffer);
    }
    return { size, hash: hash.digest('base64url') };
  } finally {
    closeSync(fd);
  }
}

export interface SidecarHeader { data: { size: number; hash: string } }

/** Writes a whole sidecar under a temporary name, then renames it into place. */
export function writeSidecar(path: string, magic: string, format: number, header: SidecarHeader, chunks: Uint8Array[]): void {
  const json = Buffer.from(JSON.stringify(header));
  const head = Buffer.alloc(12);
  head.write(magic, 0, 'latin1');
  head.writeUInt32LE(format, 4);
  head.writeUInt32LE(json.length, 8);
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    writeFileSync(tmp, Buffer.concat([head, json, ...chunks]));
    renameSync(tmp, path);
  } catch (error) {
    rmSync(tmp, { force: true });
    throw error;
  }
}

/**
 * The header of the sidecar at `path`, where its bytes start and the file's size; null when it is
 * absent, unreadable, of another format or made from another version of the data file at `dataPath`.
 */
export async function readSidecar<H extends SidecarHeader>(dataPath: string, path: string, magic: string, format: number): Promise<{ header: H; dataStart: number; size: number } | null> {
  let handle;
  try { handle = await open(path, 'r'); } catch { return null; }
  try {
    const head = Buffer.alloc(12);
    await handle.read(head, 0, 12, 0);
    if (head.toString('latin1', 0, 4) !== magic || head.readUInt32LE(4) !== format) return null;
    const json = Buffer.alloc(head.readUInt32LE(8));
    await handle.read(json, 0, json.length, 12);
    const header = JSON.parse(json.toString('utf8')) as H;
    const data = dataFingerprint(dataPath);
    if (header.data?.size !== data.size || header.data.hash !== data.hash) return null; // another data version
    return { header, dataStart: 12 + json.length, size: (await handle.stat()).size };
  } catch {
    return null;
  } finally {
    await handle.close();
  }
}

/**
 * Open sidecars by path, reopened when the data's version or the sidecar file changes. Remote data
 * (http, s3) has none: its tiles are rendered from the data.
 */
export class SidecarCache<T> {
  private open = new Map<string, { key: string; value: Promise<T | null> }>();

  constructor(private opener: (dataPath: string, path: string) => Promise<T | null>) {}

  get(location: string, path: string, dataVersion: string): Promise<T | null> {
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(location)) return Promise.resolve(null);
    let sidecar: string;
    try {
      const s = statSync(path);
      sidecar = `${s.size}-${s.mtimeMs}`;
    } catch {
      this.open.delete(path);
      return Promise.resolve(null);
    }
    const key = `${dataVersion}|${sidecar}`;
    let entry = this.open.get(path);
    if (entry?.key !== key) {
      entry = { key, value: this.opener(location, path) };
      this.open.set(path, entry);
    }
    return entry.value;
  }
}
