// Test storage: an in-process S3-compatible server (npm s3rver, which honours Range), a static
// http origin with byte ranges, and a counting proxy that can also hang or fail on demand.
import { createReadStream, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, normalize } from 'node:path';
import S3rver from 's3rver';
import { resetS3Client } from '../../server/storage/location.js';

export type Mode = 'pass' | 'hang' | 'fail';

/** What reached the origin: requests, body bytes, and how many GETs had no Range header. */
export interface Traffic { requests: number; bytes: number; gets: number; whole: string[] }

function listen(server: Server): Promise<string> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
}

export class Origin {
  traffic: Traffic = { requests: 0, bytes: 0, gets: 0, whole: [] };
  mode: Mode = 'pass';
  private hung: ServerResponse[] = [];
  private constructor(private server: Server, readonly url: string) {}

  /** Counts, then hangs (never answers), fails (HTTP 500) or hands the request to `handle`. */
  static async start(handle: (req: IncomingMessage, res: ServerResponse, count: (n: number) => void) => void): Promise<Origin> {
    let origin: Origin | null = null;
    const server = createServer((req, res) => {
      const o = origin!;
      o.traffic.requests++;
      if (req.method === 'GET') {
        o.traffic.gets++;
        if (!req.headers.range && !/current\.json|manifest\.json|\?/.test(req.url ?? '')) o.traffic.whole.push(req.url ?? '');
      }
      if (o.mode === 'hang') { o.hung.push(res); return; }
      if (o.mode === 'fail') { res.writeHead(500).end('origin failure'); return; }
      handle(req, res, (n) => { o.traffic.bytes += n; });
    });
    origin = new Origin(server, await listen(server));
    return origin;
  }

  reset(): void { this.traffic = { requests: 0, bytes: 0, gets: 0, whole: [] }; }

  async close(): Promise<void> {
    for (const res of this.hung) res.destroy();
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

/** A static origin over `dir` answering single byte ranges (206) as object stores and CDNs do. */
export function staticOrigin(dir: string): Promise<Origin> {
  return Origin.start((req, res, count) => {
    const path = normalize(join(dir, decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)));
    if (!path.startsWith(dir) || !existsSync(path) || !statSync(path).isFile()) { res.writeHead(404).end(); return; }
    const size = statSync(path).size;
    const m = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
    if (!m) {
      res.writeHead(200, { 'Content-Length': size, ETag: `"${size}"` });
      count(size);
      createReadStream(path).pipe(res);
      return;
    }
    const start = Number(m[1]);
    const end = Math.min(size - 1, m[2] ? Number(m[2]) : size - 1);
    if (start >= size) { res.writeHead(416, { 'Content-Range': `bytes */${size}` }).end(); return; }
    res.writeHead(206, { 'Content-Range': `bytes ${start}-${end}/${size}`, 'Content-Length': end - start + 1, ETag: `"${size}"` });
    count(end - start + 1);
    createReadStream(path, { start, end }).pipe(res);
  });
}

/** A proxy to `target` (headers kept, Host included, so S3 signatures still match). */
export function proxyTo(target: string): Promise<Origin> {
  const to = new URL(target);
  return Origin.start((req, res, count) => {
    const forward = request({ host: to.hostname, port: to.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.on('data', (chunk: Buffer) => count(chunk.length));
      answer.pipe(res);
    });
    forward.on('error', () => res.destroy());
    req.pipe(forward);
  });
}

export const BUCKET = 'prelevements-test';

export interface S3Store { url: string; proxy: Origin; env: Record<string, string>; close(): Promise<void> }

/**
 * s3rver on a free loopback port, in a temporary directory, with one bucket, behind a counting
 * proxy; sets AWS_* in this process (and returns them for child processes).
 */
export async function startS3(): Promise<S3Store> {
  const directory = mkdtempSync(join(tmpdir(), 's3rver-'));
  const server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory, configureBuckets: [{ name: BUCKET, configs: [] }] });
  const address = await server.run();
  const url = `http://127.0.0.1:${address.port}`;
  const proxy = await proxyTo(url);
  const env = {
    AWS_ENDPOINT_URL: proxy.url, AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER', AWS_REGION: 'us-east-1',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
  Object.assign(process.env, env);
  resetS3Client();
  return {
    url, proxy, env,
    async close() {
      resetS3Client();
      await proxy.close();
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
