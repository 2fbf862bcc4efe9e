// What every router receives: the current catalog (swappable), service metadata, extension hooks.
import type { Request } from 'express';
import type { Catalog, ServedCollection } from './catalog.js';
import { NotFound, ServiceUnavailable, UnknownParameter } from './errors.js';

export interface ServiceInfo {
  title: string;
  description: string;
  /** Public base URL; derived from each request when absent. */
  baseUrl?: string;
}

export interface ServerContext {
  info: ServiceInfo;
  catalog: () => Catalog;
  conformance: Set<string>;
}

export function baseUrl(ctx: ServerContext, req: Request): string {
  if (ctx.info.baseUrl) return ctx.info.baseUrl.replace(/\/$/, '');
  return `${req.protocol}://${req.get('host')}${req.baseUrl}`;
}

export function collectionOr404(ctx: ServerContext, id: string): ServedCollection {
  const catalog = ctx.catalog();
  const collection = catalog.get(id);
  if (!collection && catalog.unavailableCollection(id)) throw unavailable(id);
  if (!collection) throw new NotFound(`Collection « ${id} » inconnue ; voir /collections`);
  return collection;
}

/** 503 naming the collection; the file and its fault go to the log, not to the client. */
export function unavailable(id: string | undefined): ServiceUnavailable {
  if (id === undefined) return new ServiceUnavailable('Données momentanément indisponibles : un fichier de données est absent, tronqué ou illisible ; réessayez plus tard');
  return new ServiceUnavailable(`Collection « ${id} » momentanément indisponible : son fichier de données est absent, tronqué ou illisible ; réessayez plus tard`);
}

/** Flattens query parameters to strings; a repeated parameter is an error naming it. */
export function queryStrings(req: Request, allowed: Iterable<string>): Record<string, string> {
  const allow = new Set(allowed);
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(req.query)) {
    if (!allow.has(key)) throw new UnknownParameter(key, [...allow]);
    if (typeof value !== 'string') throw new UnknownParameter(key, [...allow]);
    out[key] = value;
  }
  return out;
}
