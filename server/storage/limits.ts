// Storage reads under a deadline, with plain counters an operator's metrics can read.
// Slow or unreachable storage becomes a 503/504 OGC exception, never a hanging request.
import { DataFileError } from '../providers/data-error.js';
import { OgcError } from '../errors.js';

export interface StorageSettings {
  /** Deadline of one storage request (range read, manifest read), in ms. */
  timeoutMs: number;
}

/** Process-wide: sources are opened deep inside providers, far from the command line. */
export const storageSettings: StorageSettings = { timeoutMs: 10_000 };

export function configureStorage(settings: Partial<StorageSettings>): void {
  Object.assign(storageSettings, settings);
}

/** Counters since start, by kind of source ("file", "http", "s3"): read them, never reset them. */
export interface StorageCounters { requests: number; bytes: number; failures: number; timeouts: number }
export const storageStats: Record<'file' | 'http' | 's3', StorageCounters> = {
  file: { requests: 0, bytes: 0, failures: 0, timeouts: 0 },
  http: { requests: 0, bytes: 0, failures: 0, timeouts: 0 },
  s3: { requests: 0, bytes: 0, failures: 0, timeouts: 0 },
};

/** Sum over every kind (what a "requests to storage" metric shows). */
export function storageTotals(): StorageCounters {
  const total: StorageCounters = { requests: 0, bytes: 0, failures: 0, timeouts: 0 };
  for (const c of Object.values(storageStats)) {
    total.requests += c.requests; total.bytes += c.bytes; total.failures += c.failures; total.timeouts += c.timeouts;
  }
  return total;
}

/** 504: the storage did not answer within the deadline. */
export class StorageTimeout extends OgcError {
  constructor(what: string, ms: number) {
    super(504, 'StorageTimeout', `Le stockage des données n'a pas répondu en ${ms} ms (${what}) ; réessayez plus tard`, { 'Retry-After': '5' });
  }
}

/** 503: the storage answered an error or could not be reached. */
export class StorageUnavailable extends OgcError {
  constructor(what: string, reason: string) {
    super(503, 'StorageUnavailable', `Le stockage des données est indisponible (${what} : ${reason}) ; réessayez plus tard`, { 'Retry-After': '5' });
  }
}

const NEVER = new AbortController().signal;

function isAbort(error: unknown): boolean {
  const name = (error as { name?: string } | null)?.name;
  return name === 'TimeoutError' || name === 'AbortError';
}

/**
 * Runs one storage request with an abort signal that fires at the deadline; counts it, and turns
 * any failure into StorageTimeout/StorageUnavailable. `what` names the object, never a credential.
 */
export async function underDeadline<T>(kind: keyof typeof storageStats, what: string, run: (signal: AbortSignal) => Promise<T>, size: (value: T) => number, factor = 1): Promise<T> {
  const counters = storageStats[kind];
  const ms = storageSettings.timeoutMs * factor;
  // Sources that take no signal (local files) skip the controller: one timer per read is enough.
  const controller = run.length > 0 ? new AbortController() : null;
  let timer: NodeJS.Timeout | undefined;
  let expired = false;
  // A source that ignores its signal (a stuck file system) still cannot hold the request.
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      expired = true;
      const error = new Error('deadline'); error.name = 'TimeoutError';
      controller?.abort(error);
      reject(error);
    }, ms);
  });
  counters.requests++;
  try {
    const value = await Promise.race([run(controller?.signal ?? NEVER), deadline]);
    counters.bytes += size(value);
    return value;
  } catch (error) {
    // A damaged file is its collection's fault, not the storage's: it keeps its own error (503 for that collection).
    if (error instanceof OgcError || error instanceof DataFileError) { counters.failures++; throw error; }
    if (isAbort(error) || expired) { counters.timeouts++; throw new StorageTimeout(what, ms); }
    counters.failures++;
    throw new StorageUnavailable(what, error instanceof Error ? error.message : String(error));
  } finally {
    clearTimeout(timer);
  }
}
