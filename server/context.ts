// What every router receives: the current catalog (swappable), service metadata, extension hooks.
import type { Request } from 'express';
import type { Catalog, ServedCollection } from './catalog.js';
import { NotFound, OgcError, ServiceUnavailable, UnknownParameter } from './errors.js';

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
  /** Version id of the data this request reads, when the data is versioned (pins paging links, ETags). */
  dataVersion?: () => string | undefined;
}

/** host[:port]: a DNS name, IPv4 or bracketed IPv6 address, and nothing else (no quotes, spaces, slashes). */
const HOST = /^(?:\[[0-9A-Fa-f:.]{2,45}\]|[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?)(?::\d{1,5})?$/;

export function validHost(host: string): boolean {
  return host.length <= 261 && HOST.test(host);
}

/** A configured base URL must be absolute http(s), without query or fragment; returns it without a final slash. */
export function checkBaseUrl(value: string): string {
  let url: URL;
  try { url = new URL(value); } catch { throw new Error(`base URL « ${value} » is not an absolute URL`); }
  if (!/^https?:$/.test(url.protocol) || url.search || url.hash || url.username || url.password) throw new Error(`base URL « ${value} » must be http(s)://host[:port][/path], without query, fragment or credentials`);
  return url.href.replace(/\/+$/, '');
}

/**
 * Links and pages are built from the configured base URL, else from the request's Host (or
 * X-Forwarded-Host / -Proto, which Express reads only when `trust proxy` is configured), checked
 * strictly: a Host that is not host[:port] is a 400, never written into a page or a link.
 */
export function baseUrl(ctx: ServerContext, req: Request): string {
  if (ctx.info.baseUrl) return ctx.info.baseUrl.replace(/\/+$/, '');
  const protocol = req.protocol.toLowerCase();
  const host = req.host ?? `${req.socket.localAddress?.includes(':') ? `[${req.socket.localAddress}]` : req.socket.localAddress}:${req.socket.localPort}`;
  if (protocol !== 'http' && protocol !== 'https') throw new OgcError(400, 'InvalidParameterValue', 'En-tête « X-Forwarded-Proto » invalide : http ou https attendu');
  if (!validHost(host)) throw new OgcError(400, 'InvalidParameterValue', 'En-tête « Host » invalide : nom d\'hôte ou adresse, éventuellement suivi de « :port », attendu');
  return `${protocol}://${host}${req.baseUrl}`;
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
