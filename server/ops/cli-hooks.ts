// What the command line needs from ops for one-shot commands: announcing a new data version,
// running a `keys` command against the keys shared in Redis.
import { basename } from 'node:path';
import { publishDataNotice } from './data-notice.js';
import { withRedisKeys } from './keys-sync.js';
import { RedisLink, redactUrl, type OpsLogger } from './redis.js';

/** After build-data or ingest: every replica subscribed checks its data now. */
export async function announceDataVersion(url: string, versionDir: string, logger: OpsLogger): Promise<void> {
  const link = new RedisLink(url);
  try {
    const version = basename(versionDir);
    if (await publishDataNotice(link, version)) logger.info({ redis: redactUrl(url), version }, 'new data version announced');
    else logger.warn({ redis: redactUrl(url), version }, 'Redis unreachable: replicas will find the new version at their next poll');
  } finally {
    await link.close();
  }
}

/** The `keys` commands' --redis: pull, run on the keys file, push when it wrote. */
export async function redisKeysSync(url: string, path: string, write: boolean, run: () => Promise<void>): Promise<void> {
  const link = new RedisLink(url);
  try { await withRedisKeys(link, path, write, run); } finally { await link.close(); }
}
