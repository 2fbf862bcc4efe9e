// Data-version notices through Redis pub/sub: `build-data` and `ingest` publish when a new
// version is in place; every replica subscribed hears it and checks its data at once instead of
// waiting for its next poll. A lost notice costs nothing but that wait (polling goes on).
import type { Redis } from 'ioredis';
import type { RedisLink } from './redis.js';

export const DATA_CHANNEL = 'data';

export interface DataNotice { version: string; at: string }

/** Publishes the notice and remembers the version (`<prefix>data:version`); false if Redis failed. */
export async function publishDataNotice(link: RedisLink, version: string, timeoutMs = 5000): Promise<boolean> {
  const notice: DataNotice = { version, at: new Date().toISOString() };
  const until = Date.now() + timeoutMs;
  while (!link.ready && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
  try {
    await link.client.set(link.key('data:version'), version);
    await link.client.publish(link.key(DATA_CHANNEL), JSON.stringify(notice));
    return true;
  } catch {
    return false;
  }
}

/** Calls `onDataNotice` for each notice (a subscriber connection of its own, resubscribed on reconnect). */
export function subscribeDataNotices(link: RedisLink, onDataNotice: (notice: DataNotice) => void): () => void {
  const subscriber: Redis = link.connect();
  const channel = link.key(DATA_CHANNEL);
  subscriber.on('ready', () => { void subscriber.subscribe(channel).catch(() => undefined); });
  subscriber.on('message', (from: string, text: string) => {
    if (from !== channel) return;
    try {
      const notice = JSON.parse(text) as Partial<DataNotice>;
      if (typeof notice.version === 'string') onDataNotice({ version: notice.version, at: String(notice.at ?? '') });
    } catch { /* not ours */ }
  });
  return () => subscriber.disconnect();
}
