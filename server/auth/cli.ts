// `prelevements keys …`: API keys and Basic passwords in the keys file. A new key or password is
// printed once on stdout (nothing else goes there, so it can be piped); the file keeps hashes.
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadAccessConfig } from './config.js';
import { ipRanges } from './credentials.js';
import { createKey, listKeys, readKeysFile, removePassword, revokeKey, rotateKey, setPassword, type KeyRestrictions } from './keys.js';

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** `90d`, `12h`, `30m`, `3600s` or a number of seconds. */
export function parseDuration(value: string): number {
  const m = /^(\d+)\s*([smhd]?)$/.exec(value.trim());
  if (!m) throw new InvalidArgumentError('a duration such as 3600, 30m, 12h or 90d is expected');
  return Number(m[1]) * UNITS[m[2] || 's'];
}

/** A duration from now, or an ISO date. */
function parseExpiry(value: string): string {
  if (/^\d+\s*[smhd]?$/.test(value.trim())) return new Date(Date.now() + parseDuration(value) * 1000).toISOString();
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new InvalidArgumentError('a duration (90d) or an ISO date is expected');
  return new Date(ms).toISOString();
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, ...value.split(',').map((s) => s.trim()).filter(Boolean)];
}

interface FileOptions { file?: string; config?: string }

/** --file, else the `keys` setting of --config, else $PRELEVEMENTS_KEYS_FILE, else ./keys.json. */
export function keysFilePath(options: FileOptions): string {
  if (options.file) return resolve(options.file);
  if (options.config) {
    const path = loadAccessConfig(options.config).keysFile;
    if (!path) throw new Error(`${options.config} names no keys file (setting "keys")`);
    return path;
  }
  return resolve(process.env.PRELEVEMENTS_KEYS_FILE ?? 'keys.json');
}

function withFile(command: Command): Command {
  return command
    .option('-f, --file <keys.json>', 'keys file (default: the one --config names, $PRELEVEMENTS_KEYS_FILE, or ./keys.json)')
    .option('--redis <url>', 'edit the keys shared by every replica in this Redis (the keys file is kept as a copy; default $REDIS_URL)')
    .option('-c, --config <file>', 'access configuration whose "keys" setting names the keys file');
}

/** Where the commands write and read (tests pass their own). */
export interface CommandIo {
  out: (text: string) => void;
  err: (text: string) => void;
  stdin: () => Promise<string>;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

const STDIO: CommandIo = { out: (t) => void process.stdout.write(t), err: (t) => void process.stderr.write(t), stdin: readStdin };

/** Runs a command against keys shared through Redis (`--redis`): pull, run on the file, push when `write`. */
export type KeysSync = (url: string, path: string, write: boolean, run: () => Promise<void>) => Promise<void>;

/** A failure said on stderr in one line (commander's way, exit code 1), not as a stack or a JSON log. */
function guarded<A extends unknown[]>(action: (...args: A) => unknown, sync?: KeysSync, write = true) {
  return async function (this: Command, ...args: A): Promise<void> {
    try {
      const options = this.opts<FileOptions & { redis?: string }>();
      const url = options.redis ?? process.env.REDIS_URL;
      if (url && sync) await sync(url, keysFilePath(options), write, async () => { await action(...args); });
      else await action(...args);
    } catch (error) {
      if (error instanceof CommanderError) throw error;
      this.error(`prelevements keys ${this.name()}: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
}

export function registerAccessCommands(program: Command, io: CommandIo = STDIO, sync?: KeysSync): Command {
  const keys = program.command('keys').description('API keys and Basic passwords of the access control (hashed with scrypt in a JSON keys file)')
    .configureOutput({ writeOut: io.out, writeErr: io.err }); // inherited by the subcommands below

  withFile(keys.command('create'))
    .description('create an API key for a user; the key is printed once and cannot be shown again')
    .requiredOption('-u, --user <name>', 'owner: the key grants what this user is granted')
    .option('-l, --label <text>', 'free label (who, what for)')
    .option('--ip <cidr>', 'allowed address or CIDR range, IPv4 or IPv6 (repeatable, or comma-separated)', collect)
    .option('--referer <pattern>', 'allowed Referer, * as wildcard (repeatable)', collect)
    .option('--user-agent <pattern>', 'allowed User-Agent, * as wildcard (repeatable)', collect)
    .option('--expires <when>', 'expiry: a duration from now (90d) or an ISO date', parseExpiry)
    .action(guarded(async (options) => {
      const restrictions: KeyRestrictions = {};
      if (options.ip) { ipRanges(options.ip); restrictions.ips = options.ip; }
      if (options.referer) restrictions.referers = options.referer;
      if (options.userAgent) restrictions.userAgents = options.userAgent;
      const path = keysFilePath(options);
      const { key, record } = await createKey(path, { user: options.user, label: options.label, expires: options.expires, restrictions: Object.keys(restrictions).length ? restrictions : undefined });
      io.err(`key ${record.id} created for ${record.user} in ${path}; store it now, it is not kept:\n`);
      io.out(`${key}\n`);
    }, sync));

  withFile(keys.command('list'))
    .description('list keys (ids, owners, states; never secrets) and users with a Basic password')
    .option('--json', 'JSON output (the keys only)')
    .action(guarded((options) => {
      const path = keysFilePath(options);
      if (!existsSync(path)) throw new Error(`no keys file ${path}`);
      const list = listKeys(path);
      if (options.json) { io.out(`${JSON.stringify(list, null, 2)}\n`); return; }
      for (const k of list) {
        const limits = [k.restrictions?.ips?.join(' '), k.restrictions?.referers?.join(' '), k.restrictions?.userAgents?.join(' ')].filter(Boolean).join(' | ');
        io.out(`${k.id}  ${k.state.padEnd(7)}  ${k.user.padEnd(16)}  created ${k.created.slice(0, 10)}${k.expires ? `  expires ${k.expires}` : ''}${k.label ? `  "${k.label}"` : ''}${limits ? `  [${limits}]` : ''}\n`);
      }
      for (const [user, { updated }] of Object.entries(readKeysFile(path).users)) io.out(`${'password'.padEnd(12)}  ${'basic'.padEnd(7)}  ${user.padEnd(16)}  updated ${updated.slice(0, 10)}\n`);
    }, sync, false));

  withFile(keys.command('rotate'))
    .description('replace a key by a new one (same owner and restrictions); prints the new key once')
    .argument('<id>', 'key id (see keys list)')
    .option('--grace <duration>', 'keep the old key working this long (e.g. 7d); default: it stops now', parseDuration)
    .action(guarded(async (id: string, options) => {
      const { key, record } = await rotateKey(keysFilePath(options), id, options.grace ?? 0);
      io.err(`key ${id} replaced by ${record.id}${options.grace ? `; ${id} works for ${options.grace} s more` : `; ${id} is revoked`}:\n`);
      io.out(`${key}\n`);
    }, sync));

  withFile(keys.command('revoke'))
    .description('revoke a key (a running server refuses it within a few seconds)')
    .argument('<id>', 'key id (see keys list)')
    .action(guarded((id: string, options) => {
      const record = revokeKey(keysFilePath(options), id);
      io.err(`key ${record.id} of ${record.user} revoked\n`);
    }, sync));

  withFile(keys.command('password'))
    .description("set a user's password for HTTP Basic (generated and printed once, unless --stdin)")
    .argument('<user>', 'user name')
    .option('--stdin', 'read the password from standard input')
    .option('--remove', 'remove the password: the user can no longer use Basic')
    .action(guarded(async (user: string, options) => {
      const path = keysFilePath(options);
      if (options.remove) {
        io.err(removePassword(path, user) ? `password of ${user} removed\n` : `${user} had no password\n`);
        return;
      }
      const password = await setPassword(path, user, options.stdin ? await io.stdin() : undefined);
      io.err(`password of ${user} set in ${path}\n`);
      if (!options.stdin) io.out(`${password}\n`);
    }, sync));

  return keys;
}
