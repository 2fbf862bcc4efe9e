// What the domain tells the WFS engine: its namespace and prefix, its titles. Nothing else here
// knows the data.
import type { CollectionDefinition } from '../types.js';

export interface Localized { fr: string; en: string }

export interface WfsOptions {
  /** Namespace prefix of the feature types (`bnpe` → bnpe:points_prelevement). */
  prefix: string;
  /** Namespace URI of the feature types. */
  namespace: string;
  title: Localized;
  abstract: Localized;
  keywords?: string[];
  providerName?: string;
  providerSite?: string;
  fees?: string;
  accessConstraints?: string;
  /** Features returned without COUNT, and the most one request returns (CountDefault). */
  countDefault?: number;
  /** Bytes of recently sent GetFeature responses kept per process (0: none). Default 32 MiB. */
  pageCacheBytes?: number;
}

export const WFS_VERSION = '2.0.0';
/** Versions whose requests are answered as 2.0.0 (2.0.2 is a corrigendum of the same schema). */
export const ACCEPTED_VERSIONS = ['2.0.0', '2.0.2'];
export const DEFAULT_COUNT = 10_000;

export const NS = {
  wfs: 'http://www.opengis.net/wfs/2.0',
  gml: 'http://www.opengis.net/gml/3.2',
  fes: 'http://www.opengis.net/fes/2.0',
  ows: 'http://www.opengis.net/ows/1.1',
  xlink: 'http://www.w3.org/1999/xlink',
  xsi: 'http://www.w3.org/2001/XMLSchema-instance',
  xsd: 'http://www.w3.org/2001/XMLSchema',
};

export const SCHEMAS = {
  wfs: 'http://schemas.opengis.net/wfs/2.0/wfs.xsd',
  gml: 'http://schemas.opengis.net/gml/3.2.1/gml.xsd',
};

/** Name of the geometry property in the feature types and in filters. */
export const GEOMETRY = 'geometry';

/** `prefix:id`, or the id when the prefix is empty. */
export function typeName(options: WfsOptions, definition: CollectionDefinition): string {
  return options.prefix ? `${options.prefix}:${definition.id}` : definition.id;
}

/** Local part of a (possibly prefixed or Clark-notated) name. */
export function localName(name: string): string {
  const clark = /^\{[^}]*\}(.+)$/.exec(name);
  if (clark) return clark[1];
  const colon = name.lastIndexOf(':');
  return colon >= 0 ? name.slice(colon + 1) : name;
}

/** A gml:id is an NCName: ids may start with a digit (INSEE codes), so the type prefixes them. */
export function gmlId(definition: CollectionDefinition, id: string): string {
  return `${definition.id}.${id.replace(/[^A-Za-z0-9_.-]/g, (c) => `_x${c.codePointAt(0)!.toString(16)}_`)}`;
}
