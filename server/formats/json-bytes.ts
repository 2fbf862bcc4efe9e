// A JSON body built as bytes: providers that hold UTF-8 values (FlatGeobuf) copy them straight
// into the answer, with no JavaScript string per value or per feature (the garbage those made was
// a third of an uncached page's CPU). Small bodies go out whole with their Content-Length; past
// the threshold they stream with backpressure.
import type { Response } from 'express';
import { isUtf8 } from 'node:buffer';
import { write } from './stream.js';

const utf8 = new TextDecoder();

export class JsonBytes {
  buffer: Buffer;
  used = 0;
  constructor(size = 256 * 1024) {
    this.buffer = Buffer.allocUnsafe(size);
  }

  /** Room for `n` more bytes (the buffer doubles; bytes written so far are kept). */
  reserve(n: number): void {
    if (this.used + n <= this.buffer.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.used + n));
    this.buffer.copy(next, 0, 0, this.used);
    this.buffer = next;
  }

  bytes(b: Uint8Array, start = 0, end = b.length): void {
    this.reserve(end - start);
    this.copy(b, start, end);
  }

  /** Copies bytes the caller has reserved room for; short runs (most values) by hand, no subarray. */
  private copy(b: Uint8Array, start: number, end: number): void {
    const buffer = this.buffer;
    if (end - start > 64) {
      buffer.set(b.subarray(start, end), this.used);
      this.used += end - start;
      return;
    }
    let at = this.used;
    for (let i = start; i < end; i++) buffer[at++] = b[i];
    this.used = at;
  }

  /** A JSON string literal of `s` (ids): ASCII needing no escape is written as it is. */
  string(s: string): void {
    // One pass: copy while checking; on a character that needs more, take the copy back.
    this.reserve(s.length + 2);
    const buffer = this.buffer;
    let at = this.used;
    buffer[at++] = 0x22;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c < 0x20 || c === 0x22 || c === 0x5c || c > 0x7e) { this.text(JSON.stringify(s)); return; }
      buffer[at++] = c;
    }
    buffer[at++] = 0x22;
    this.used = at;
  }

  /** Any text (UTF-8 encoded). */
  text(s: string): void {
    this.reserve(s.length * 3);
    this.used += this.buffer.write(s, this.used);
  }

  /** Text known to be ASCII (numbers, literals): one byte per character, no encoder call. */
  ascii(s: string): void {
    this.reserve(s.length);
    const buffer = this.buffer;
    let at = this.used;
    for (let i = 0; i < s.length; i++) buffer[at++] = s.charCodeAt(i);
    this.used = at;
  }

  /**
   * A JSON string literal of the UTF-8 bytes [start, end): copied as they are when nothing needs
   * escaping and they are valid UTF-8 (exactly what JSON.stringify of their decoding encodes to),
   * else through the decoder and JSON.stringify (invalid bytes become U+FFFD, as they did).
   */
  utf8String(b: Uint8Array, start: number, end: number): void {
    // One pass: copy while checking; on a byte that needs escaping, take the copy back.
    this.reserve(end - start + 2);
    const buffer = this.buffer;
    const mark = this.used;
    let at = mark;
    let high = false;
    buffer[at++] = 0x22;
    for (let i = start; i < end; i++) {
      const c = b[i];
      if (c < 0x20 || c === 0x22 || c === 0x5c) { this.used = mark; this.text(JSON.stringify(utf8.decode(b.subarray(start, end)))); return; }
      if (c > 0x7e) high = true;
      buffer[at++] = c;
    }
    buffer[at++] = 0x22;
    if (high && !isUtf8(b.subarray(start, end))) { this.used = mark; this.text(JSON.stringify(utf8.decode(b.subarray(start, end)))); return; }
    this.used = at;
  }

  /** The bytes written so far, in a buffer of their own size. */
  take(): Buffer {
    const body = this.used * 4 < this.buffer.length * 3 ? Buffer.from(this.buffer.subarray(0, this.used)) : this.buffer.subarray(0, this.used);
    this.buffer = Buffer.allocUnsafe(0);
    this.used = 0;
    return body;
  }
}

/** Size of the last body written: the next one likely needs as much (no regrowth, no copy). */
let lastSize = 64 * 1024;

/** JsonBytes written to a response: whole under `threshold` bytes, streamed past it. */
export class JsonResponseWriter extends JsonBytes {
  private written = false;
  constructor(private res: Response, private threshold = 2 * 1024 * 1024) {
    super(Math.min(threshold + 64 * 1024, Math.ceil(lastSize * 1.1) + 1024));
  }

  /** True once the bytes written pass the threshold: then flush() (between features). */
  get full(): boolean {
    return this.used >= this.threshold;
  }

  async flush(): Promise<void> {
    if (this.used === 0) return;
    // A written buffer belongs to the socket until sent: a new one takes the next bytes.
    const chunk = this.buffer.subarray(0, this.used);
    this.buffer = Buffer.allocUnsafe(this.threshold + 64 * 1024);
    this.used = 0;
    this.written = true;
    await write(this.res, chunk);
  }

  /** Ends the response; returns the body when it went out whole (for a cache). */
  async end(): Promise<Buffer | undefined> {
    lastSize = this.written ? this.threshold : this.used;
    if (!this.written && !this.res.headersSent) {
      const body = this.take();
      this.res.setHeader('Content-Length', body.length);
      this.res.end(body);
      return body;
    }
    await this.flush();
    this.res.end();
    return undefined;
  }
}

/** A feature that can write its own GeoJSON bytes (unshaped), faster than decoding it. */
export interface JsonBytesFeature {
  writeJson(out: JsonBytes): boolean;
}

export function writesJsonBytes(feature: object): feature is JsonBytesFeature {
  return typeof (feature as Partial<JsonBytesFeature>).writeJson === 'function';
}
