// API keys and passwords shared by every replica through Redis. The keys document (the keys file's
// JSON: scrypt hashes, never a secret) lives under `<prefix>keys` with a version counter; `keys …
// --redis URL` edits it under a lock and announces the new version; each server polls the counter
// every second and listens to the announcement, so a revocation reaches every replica within 5 s.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import type { Redis } from 'ioredis';
import { readKeysFile, writeKeysFile, type KeysFile } from '../auth/keys.js';
import type { RedisLink } from './redis.js';

const DOC = 'keys';
const VERSION = 'keys:version';
const LOCK = 'keys:lock';
export const KEYS_CHANNEL = 'keys';

function parseDoc(text: string | null): KeysFile | undefined {
  if (!text) return undefined;
  const data = JSON.parse(text) as Partial<KeysFile>;
  if (!Array.isArray(data.keys)) throw new Error('the keys document in Redis is not a keys file');
  return { version: 1, keys: data.keys, users: data.users ?? {} };
}

/**
 * Runs a `keys` command against the Redis document: pulled into the local keys file (which stays a
 * copy), changed there by the usual code, pushed back when `write`. The first use seeds Redis
 * from the local file. A lock keeps two operators from losing each other's change.
 */
export async function withRedisKeys<T>(link: RedisLink, path: string, write: boolean, run: () => Promise<T> | T): Promise<T> {
  const redis = link.client;
  await waitReady(link);
  const token = randomBytes(8).toString('hex');
  if (write) {
    const until = Date.now() + 10_000;
    while ((await redis.set(link.key(LOCK), token, 'PX', 10_000, 'NX')) !== 'OK') {
      if (Date.now() > until) throw new Error('the keys document is locked by another command (10 s)');
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  try {
    const doc = parseDoc(await redis.get(link.key(DOC)));
    if (doc) writeKeysFile(path, doc);
    const result = await run();
    if (write) {
      const text = existsSync(path) ? JSON.stringify(readKeysFile(path)) : JSON.stringify({ version: 1, keys: [], users: {} });
      const results = await redis.multi().set(link.key(DOC), text).incr(link.key(VERSION)).exec();
      await redis.publish(link.key(KEYS_CHANNEL), String(results?.[1]?.[1] ?? ''));
    }
    return result;
  } finally {
    // Released only if still ours (it may have expired and been taken).
    if (write) await redis.eval("if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end", 1, link.key(LOCK), token);
  }
}

async function waitReady(link: RedisLink, ms = 5000): Promise<void> {
  if (link.ready) return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Redis unreachable at ${link.url.replace(/\/\/[^@]*@/, '//***@')}`)), ms);
    link.onState((state) => { if (state === 'ready') { clearTimeout(timer); resolve(); } });
  });
}

/** What a server's key store reads: the last document seen in Redis, or nothing (then the file). */
export interface KeysSource { current(): KeysFile | undefined }

export class RedisKeysSource implements KeysSource {
  private doc: KeysFile | undefined;
  private version: string | null = null;
  private timer: NodeJS.Timeout;
  private subscriber: Redis;
  private polling: Promise<void> | null = null;

  constructor(private readonly link: RedisLink, pollMs = 1000, private readonly onError?: (error: unknown) => void) {
    this.timer = setInterval(() => void this.poll(), pollMs);
    this.timer.unref();
    this.subscriber = link.connect();
    this.subscriber.on('ready', () => { void this.subscriber.subscribe(link.key(KEYS_CHANNEL)).catch(() => undefined); void this.poll(); });
    this.subscriber.on('message', () => void this.poll());
    link.onState((state) => { if (state === 'ready') void this.poll(); });
  }

  current(): KeysFile | undefined { return this.doc; }

  /** Reads the document when its version changed; keeps the last one while Redis is down. */
  poll(): Promise<void> {
    this.polling ??= (async () => {
      try {
        const version = await this.link.client.get(this.link.key(VERSION));
        if (version === this.version) return;
        const doc = parseDoc(await this.link.client.get(this.link.key(DOC)));
        this.version = version;
        if (doc) this.doc = doc;
      } catch (error) {
        if (this.link.ready) this.onError?.(error);
      }
    })().finally(() => { this.polling = null; });
    return this.polling;
  }

  close(): void {
    clearInterval(this.timer);
    this.subscriber.disconnect();
  }
}

/** For tests and tools: the document as stored in Redis. */
export async function readRedisKeys(link: RedisLink): Promise<KeysFile | undefined> {
  return parseDoc(await link.client.get(link.key(DOC)));
}
