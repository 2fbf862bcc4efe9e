import type { Response } from 'express';

/**
 * Writes with backpressure: waits for 'drain' when the socket buffer is full. A response whose
 * client went away takes nothing and never drains: return at once instead of waiting forever.
 */
export async function write(res: Response, chunk: string | Uint8Array): Promise<void> {
  if (res.destroyed) return;
  if (!res.write(chunk) && !res.destroyed) await drained(res);
}

interface Waiters { list: { resolve: () => void; reject: (error: unknown) => void }[] }
const waiting = new WeakMap<Response, Waiters>();

/**
 * One set of listeners per response, added once and never removed: the compression middleware
 * forwards `on('drain')` to its zlib stream but not `off`, so a listener per wait piled up on the
 * stream for the whole of a compressed export (and each drain called them all).
 */
function drained(res: Response): Promise<void> {
  let w = waiting.get(res);
  if (!w) {
    const state: Waiters = { list: [] };
    const settle = (error?: unknown) => {
      const list = state.list;
      state.list = [];
      for (const p of list) if (error === undefined) p.resolve(); else p.reject(error);
    };
    res.on('drain', () => settle());
    res.on('close', () => settle());
    res.on('error', (error) => settle(error));
    waiting.set(res, state);
    w = state;
  }
  const waiters = w;
  return new Promise<void>((resolve, reject) => {
    if (res.destroyed) { resolve(); return; }
    waiters.list.push({ resolve, reject });
  });
}

/**
 * Batches small strings into ~64 KB writes: one syscall per batch, not per feature. Plain
 * concatenation (V8 ropes, flattened once when written) beats collecting parts and joining, and
 * beat copying UTF-8 bytes piece by piece into a buffer when measured.
 */
export class BufferedWriter {
  private text = '';
  private written = false;
  constructor(private res: Response, private threshold = 64 * 1024) {}
  async push(text: string): Promise<void> {
    this.text += text;
    if (this.text.length >= this.threshold) await this.flush();
  }
  async flush(): Promise<void> {
    if (this.text.length === 0) return;
    const text = this.text;
    this.text = '';
    this.written = true;
    await write(this.res, text);
  }
  /**
   * Ends the response. A body that never reached the threshold goes out whole, with its
   * Content-Length: one write, no chunked framing (most pages). Returns that body.
   */
  async end(): Promise<Buffer | undefined> {
    if (!this.written && !this.res.headersSent) {
      const body = Buffer.from(this.text);
      this.text = '';
      this.res.setHeader('Content-Length', body.length);
      this.res.end(body);
      return body;
    }
    await this.flush();
    this.res.end();
    return undefined;
  }
}

/** The same for bytes. They are copied: encoders reuse their output buffer between calls. */
export class BufferedByteWriter {
  private buffer: Buffer;
  private used = 0;
  constructor(private res: Response, private size = 64 * 1024) {
    this.buffer = Buffer.allocUnsafe(size);
  }
  async push(bytes: Uint8Array): Promise<void> {
    if (this.used + bytes.length > this.buffer.length) await this.flush();
    if (bytes.length > this.buffer.length) { await write(this.res, Buffer.from(bytes)); return; }
    this.buffer.set(bytes, this.used);
    this.used += bytes.length;
  }
  async flush(): Promise<void> {
    if (this.used === 0) return;
    // A written buffer belongs to the socket until sent: start a new one rather than reuse it.
    const chunk = this.buffer.subarray(0, this.used);
    this.buffer = Buffer.allocUnsafe(this.size);
    this.used = 0;
    await write(this.res, chunk);
  }
}
