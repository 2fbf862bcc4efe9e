import type { Response } from 'express';

/** Writes with backpressure: waits for 'drain' when the socket buffer is full. */
export async function write(res: Response, chunk: string | Uint8Array): Promise<void> {
  if (!res.write(chunk)) {
    await new Promise<void>((resolve, reject) => {
      const done = () => { res.off('drain', done); res.off('close', done); res.off('error', reject); resolve(); };
      res.once('drain', done);
      res.once('close', done);
      res.once('error', reject);
    });
  }
}

/**
 * Batches small strings into ~64 KB writes: one syscall per batch, not per feature. Plain
 * concatenation (V8 ropes, flattened once when written) beats collecting parts and joining, and
 * beat copying UTF-8 bytes piece by piece into a buffer when measured.
 */
export class BufferedWriter {
  private text = '';
  constructor(private res: Response, private threshold = 64 * 1024) {}
  async push(text: string): Promise<void> {
    this.text += text;
    if (this.text.length >= this.threshold) await this.flush();
  }
  async flush(): Promise<void> {
    if (this.text.length === 0) return;
    const text = this.text;
    this.text = '';
    await write(this.res, text);
  }
}
