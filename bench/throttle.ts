// A TCP proxy on loopback that limits the bandwidth of answers (server → client) to a given rate,
// for benchmarks of a "real network": what a GIS user waits for is bytes, not the server's CPU.
// Token bucket in 10 ms slices; requests (client → server) pass unthrottled.
import { createServer, connect, type Server, type Socket } from 'node:net';

export interface Throttle { port: number; close: () => Promise<void> }

/** `target` is read per connection: the proxy can start before the server it fronts (which needs the proxy's port). */
export function throttlingProxy(target: () => number, bitsPerSecond: number): Promise<Throttle> {
  const bytesPerTick = bitsPerSecond / 8 / 100;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(target(), '127.0.0.1');
    // No Nagle on either side: small writes (a chunked answer's last chunk) must not wait for an ACK.
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    sockets.add(client); sockets.add(upstream);
    client.pipe(upstream);
    const queue: Buffer[] = [];
    let ended = false;
    // Each connection has its own bucket (one client connection at a time in the benchmarks).
    const timer = setInterval(() => {
      let budget = bytesPerTick;
      while (budget > 0 && queue.length) {
        const chunk = queue[0];
        if (chunk.length <= budget) { client.write(chunk); budget -= chunk.length; queue.shift(); } else { client.write(chunk.subarray(0, budget)); queue[0] = chunk.subarray(budget); budget = 0; }
      }
      if (queue.length > 64) upstream.pause(); else upstream.resume();
      if (ended && queue.length === 0) { clearInterval(timer); client.end(); }
    }, 10);
    upstream.on('data', (chunk: Buffer) => queue.push(chunk));
    upstream.on('end', () => { ended = true; });
    const close = () => { clearInterval(timer); client.destroy(); upstream.destroy(); sockets.delete(client); sockets.delete(upstream); };
    upstream.on('error', close);
    client.on('error', close);
    client.on('close', close);
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    ok({
      port: typeof address === 'object' && address ? address.port : 0,
      close: () => new Promise((done) => { for (const s of sockets) s.destroy(); server.close(() => done()); }),
    });
  }));
}
