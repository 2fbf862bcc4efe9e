// Whole-collection exports (no limit) in CSV, FlatGeobuf and GeoJSON text sequences over HTTP:
// MB/s, features/s, and the server's peak RSS while streaming, against the size of the collection
// on disk. One server process (--workers 1) so that its RSS is the whole story.
// Usage: npm run bench:export -- [dataDir] [collection,…]   (default data/bench-scale-10)
import { spawn } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { get } from 'node:http';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveDataDir } from '../server/catalog.js';

const CLI = fileURLToPath(new URL('../cli.js', import.meta.url));
const DATA = resolve(process.argv[2] ?? 'data/bench-scale-10');
const COLLECTIONS = (process.argv[3] ?? 'ouvrages,points_prelevement,chroniques').split(',');
const FORMATS = ['csv', 'fgb', 'geojsonseq'];
const PORT = 18_000 + (process.pid % 1000);

function rssMiB(pid: number): number {
  return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;
}

/** Counts size-prefixed FlatGeobuf features in a stream (after the magic bytes and the header). */
class FgbCounter {
  features = 0;
  private skip = 8;
  private left = Buffer.alloc(0);
  private headerSeen = false;
  feed(chunk: Buffer): void {
    const data = this.left.length ? Buffer.concat([this.left, chunk]) : chunk;
    this.left = Buffer.alloc(0);
    let o = 0;
    for (;;) {
      const s = Math.min(this.skip, data.length - o);
      o += s;
      this.skip -= s;
      if (this.skip > 0) return;
      if (data.length - o < 4) { this.left = Buffer.from(data.subarray(o)); return; }
      this.skip = data.readUInt32LE(o);
      o += 4;
      if (this.headerSeen) this.features++;
      else this.headerSeen = true;
    }
  }
}

interface Measure { features: number; bytes: number; seconds: number; peakMiB: number }

/** Downloads one export, discarding it, while sampling the server's RSS every 50 ms. */
function download(url: string, format: string, pid: number): Promise<Measure> {
  return new Promise((resolvePromise, reject) => {
    let peak = rssMiB(pid);
    const timer = setInterval(() => { peak = Math.max(peak, rssMiB(pid)); }, 50);
    const started = performance.now();
    get(url, (res) => {
      if (res.statusCode !== 200) { clearInterval(timer); reject(new Error(`${url}: HTTP ${res.statusCode}`)); return; }
      const fgb = new FgbCounter();
      let bytes = 0;
      let lines = 0;
      res.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        if (format === 'fgb') fgb.feed(chunk);
        else if (format === 'csv') for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) lines++;
        else for (let at = chunk.indexOf(0x1e); at !== -1; at = chunk.indexOf(0x1e, at + 1)) lines++;
      });
      res.on('end', () => {
        clearInterval(timer);
        // CSV lines: one header, and quoted values may hold line breaks (none in these collections).
        const features = format === 'fgb' ? fgb.features : format === 'csv' ? lines - 1 : lines;
        resolvePromise({ features, bytes, seconds: (performance.now() - started) / 1000, peakMiB: Math.max(peak, rssMiB(pid)) });
      });
      res.on('error', reject);
    }).on('error', (error) => { clearInterval(timer); reject(error); });
  });
}

async function main(): Promise<void> {
  const dir = resolveDataDir(DATA);
  const server = spawn(process.execPath, [CLI, 'serve', '--data', DATA, '--port', String(PORT), '--host', '127.0.0.1', '--workers', '1'],
    { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, LOG_LEVEL: 'warn' } });
  const base = `http://127.0.0.1:${PORT}`;
  try {
    for (let i = 0; ; i++) {
      try { if ((await fetch(`${base}/`)).ok) break; } catch { /* starting */ }
      if (i > 600) throw new Error('server did not start');
      await new Promise((r) => setTimeout(r, 200));
    }
    const pid = server.pid!;
    console.log(`data ${dir}; server pid ${pid}, RSS ${rssMiB(pid).toFixed(0)} MiB after start`);
    console.log('\n| collection | features | file on disk | format | export size | seconds | MB/s | features/s | server RSS before → peak |');
    console.log('|---|---:|---:|---|---:|---:|---:|---:|---|');
    for (const id of COLLECTIONS) {
      const fileMB = statSync(join(dir, `${id}.fgb`)).size / 1e6;
      for (const format of FORMATS) {
        const before = rssMiB(pid);
        const m = await download(`${base}/collections/${id}/items?f=${format}`, format, pid);
        console.log(`| ${id} | ${m.features.toLocaleString('en')} | ${fileMB.toFixed(0)} MB | ${format} | ${(m.bytes / 1e6).toFixed(0)} MB | ${m.seconds.toFixed(1)} | ` +
          `${(m.bytes / 1e6 / m.seconds).toFixed(0)} | ${Math.round(m.features / m.seconds).toLocaleString('en')} | ${before.toFixed(0)} → ${m.peakMiB.toFixed(0)} MiB |`);
      }
    }
  } finally {
    server.kill('SIGTERM');
  }
}

await main();
