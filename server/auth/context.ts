// Who is calling, carried through the request by AsyncLocalStorage: routes never see it, the
// scoped catalog getter reads it.
import { AsyncLocalStorage } from 'node:async_hooks';

export type CredentialMethod = 'anonymous' | 'apikey' | 'basic' | 'jwt';

export interface Caller {
  method: CredentialMethod;
  /** User name (key owner, Basic user, JWT subject); absent when anonymous. */
  user?: string;
  /** Communities from the configuration and, for a JWT, from its claim. */
  communities: string[];
  /** API key id, for per-key rate limits and logs. */
  keyId?: string;
}

export interface AccessStore {
  caller: Caller;
  /**
   * The error a route must answer for a collection the caller may not see (401/403), for routes
   * whose path does not name the collection (the guard only reads /collections/{id}).
   */
  denial?: (id: string) => Error | undefined;
}

export const ANONYMOUS: Caller = Object.freeze({ method: 'anonymous', communities: [] }) as Caller;

export const accessStorage = new AsyncLocalStorage<AccessStore>();

/** The caller of the current request; anonymous outside a request (fail closed). */
export function currentCaller(): Caller {
  return accessStorage.getStore()?.caller ?? ANONYMOUS;
}

export function isAuthenticated(caller: Caller): boolean {
  return caller.method !== 'anonymous';
}

/** Throws the 401/403 the guard would give for collection `id`; nothing without access control. */
export function assertVisible(id: string): void {
  const error = accessStorage.getStore()?.denial?.(id);
  if (error) throw error;
}
