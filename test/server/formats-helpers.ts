// Helpers of formats.test.ts: binary bodies, a listening app. (Memory and speed of whole exports
// are measured by bench/export.ts, not asserted in tests.)
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';

/** supertest parser keeping the body as a Buffer. */
// `any`: supertest types the parser's response as its own Response, which is an IncomingMessage at run time.
export function binary(res: any, callback: (error: Error | null, body: any) => void): void {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => callback(null, Buffer.concat(chunks)));
}

export function listen(app: Express): Promise<{ server: Server; base: string }> {
  return new Promise((resolve) => {
    const server = app.listen(0, '127.0.0.1', () => resolve({ server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }));
  });
}
