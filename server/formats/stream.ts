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

/** Batches small strings into ~64 KB writes: one syscall per batch, not per feature. */
export class BufferedWriter {
  private parts: string[] = [];
  private size = 0;
  constructor(private res: Response, private threshold = 64 * 1024) {}
  async push(text: string): Promise<void> {
    this.parts.push(text);
    this.size += text.length;
    if (this.size >= this.threshold) await this.flush();
  }
  async flush(): Promise<void> {
    if (this.size === 0) return;
    const text = this.parts.join('');
    this.parts = [];
    this.size = 0;
    await write(this.res, text);
  }
}
