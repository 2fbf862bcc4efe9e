// One request model for both encodings: KVP (GET, or a form POST) and XML (POST). Every parameter
// is read once here; the operations only see typed values.
import { localName } from './config.js';
import { invalid, missing, WfsException } from './errors.js';
import { child, childrenNamed, parseXml, XmlSyntaxError, type XmlElement } from './xml.js';

export interface QuerySpec {
  /** Local names of the types asked for (prefix dropped). */
  typeNames: string[];
  srsName?: string;
  filter?: XmlElement;
  /** KVP BBOX: four numbers and an optional CRS. */
  bbox?: { coords: number[]; crs?: string };
  resourceIds?: string[];
  propertyNames?: string[];
  sortBy?: { property: string; descending: boolean }[];
}

export interface WfsRequest {
  request: string;
  version?: string;
  acceptVersions?: string[];
  outputFormat?: string;
  count?: number;
  startIndex: number;
  resultType: 'results' | 'hits';
  query: QuerySpec;
  valueReference?: string;
  storedQueryId?: string;
  /** Stored query parameters (ID of GetFeatureById). */
  storedQueryParameters: Record<string, string>;
  /** DescribeStoredQueries: ids asked for. */
  storedQueryIds?: string[];
  /** The KVP parameters as sent (GET only): next/previous links repeat them. */
  kvp?: Record<string, string>;
}

const FES_LANGUAGE = 'urn:ogc:def:query:Language:OGC-FES:Filter';

function nonNegativeInteger(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\s*\d{1,9}\s*$/.test(raw)) throw invalid(name, `« ${raw} » : entier positif ou nul attendu`);
  return Number(raw);
}

function resultType(raw: string | undefined): 'results' | 'hits' {
  if (raw === undefined || /^results$/i.test(raw)) return 'results';
  if (/^hits$/i.test(raw)) return 'hits';
  throw invalid('resultType', `« ${raw} » : results ou hits attendu`);
}

/** `a,b` or `(a,b)`: one query's list (several parenthesised lists are several queries). */
function list(name: string, raw: string | undefined): string[] | undefined {
  if (raw === undefined) return undefined;
  const groups = raw.match(/\([^)]*\)/g);
  if (groups && groups.length > 1) throw new WfsException('OperationProcessingFailed', name, 'une seule requête (Query) par demande');
  const inner = groups ? groups[0].slice(1, -1) : raw;
  return inner.split(',').map((s) => s.trim()).filter(Boolean);
}

function sortBy(raw: string | undefined): QuerySpec['sortBy'] {
  if (raw === undefined) return undefined;
  return raw.split(',').map((term) => {
    const [name, order = 'ASC', ...rest] = term.trim().split(/\s+/);
    if (!name || rest.length || !/^(ASC|DESC|A|D)$/i.test(order)) throw invalid('sortBy', `« ${term} » : propriété [ASC|DESC] attendu`);
    return { property: localName(name), descending: /^D/i.test(order) };
  });
}

function parseFilterText(text: string): XmlElement {
  try {
    return parseXml(text);
  } catch (error) {
    if (error instanceof XmlSyntaxError) throw invalid('filter', error.message);
    throw error;
  }
}

/** KVP: names are case-insensitive (WFS 2.0 §6.2.5.2); a repeated name is an error. */
export function fromKvp(query: Record<string, unknown>): WfsRequest {
  const p: Record<string, string> = {};
  const kvp: Record<string, string> = {};
  for (const [key, value] of Object.entries(query)) {
    if (typeof value !== 'string') throw invalid(key, 'paramètre répété');
    if (p[key.toUpperCase()] !== undefined) throw invalid(key, 'paramètre répété');
    p[key.toUpperCase()] = value;
    kvp[key] = value;
  }
  const service = p.SERVICE;
  if (service !== undefined && service.toUpperCase() !== 'WFS') throw invalid('service', `« ${service} » : WFS attendu`);
  const request = p.REQUEST;
  if (!request) throw missing('request');
  if (service === undefined && !/^GetCapabilities$/i.test(request)) throw missing('service');
  if (p.FILTER_LANGUAGE !== undefined && p.FILTER_LANGUAGE !== FES_LANGUAGE) throw new WfsException('InvalidParameterValue', 'filter_language', `Langage de filtre « ${p.FILTER_LANGUAGE} » non pris en charge ; ${FES_LANGUAGE}`);
  let bbox: QuerySpec['bbox'];
  if (p.BBOX !== undefined) {
    const parts = p.BBOX.split(',');
    const coords = parts.slice(0, 4).map(Number);
    const crs = parts.length > 4 ? parts.slice(4).join(',') : undefined;
    if (parts.length < 4 || coords.some((v) => !Number.isFinite(v)) || (crs !== undefined && crs.trim() === '')) throw invalid('bbox', `« ${p.BBOX} » : minx,miny,maxx,maxy[,crs] attendu`);
    bbox = { coords, crs };
  }
  const typeNames = list('typeNames', p.TYPENAMES ?? p.TYPENAME)?.map(localName) ?? [];
  const storedQueryParameters: Record<string, string> = {};
  if (p.ID !== undefined) storedQueryParameters.ID = p.ID;
  return {
    request, version: p.VERSION, acceptVersions: p.ACCEPTVERSIONS?.split(',').map((v) => v.trim()),
    outputFormat: p.OUTPUTFORMAT, count: nonNegativeInteger('count', p.COUNT ?? p.MAXFEATURES), startIndex: nonNegativeInteger('startIndex', p.STARTINDEX) ?? 0,
    resultType: resultType(p.RESULTTYPE),
    query: {
      typeNames, srsName: p.SRSNAME, filter: p.FILTER !== undefined ? parseFilterText(p.FILTER) : undefined, bbox,
      resourceIds: list('resourceId', p.RESOURCEID), propertyNames: list('propertyName', p.PROPERTYNAME)?.map(localName), sortBy: sortBy(p.SORTBY),
    },
    valueReference: p.VALUEREFERENCE, storedQueryId: p.STOREDQUERY_ID, storedQueryParameters,
    storedQueryIds: p.STOREDQUERY_ID !== undefined ? list('storedQuery_id', p.STOREDQUERY_ID) : undefined,
    kvp,
  };
}

function xmlQuery(el: XmlElement): QuerySpec {
  const typeNames = (el.attrs.typeNames ?? el.attrs.typeName ?? '').split(/[\s,]+/).filter(Boolean).map(localName);
  const filter = child(el, 'Filter');
  const sort = child(el, 'SortBy');
  return {
    typeNames, srsName: el.attrs.srsName, filter,
    propertyNames: [...childrenNamed(el, 'PropertyName'), ...childrenNamed(el, 'ValueReference')].map((c) => localName(c.text)).filter(Boolean),
    sortBy: sort ? childrenNamed(sort, 'SortProperty').map((s) => ({
      property: localName(child(s, 'ValueReference')?.text ?? child(s, 'PropertyName')?.text ?? ''),
      descending: /^DESC$/i.test(child(s, 'SortOrder')?.text ?? 'ASC'),
    })) : undefined,
  };
}

/** An XML-encoded request (POST body). */
export function fromXml(body: string): WfsRequest {
  let root: XmlElement;
  try { root = parseXml(body); } catch (error) {
    if (error instanceof XmlSyntaxError) throw new WfsException('OperationParsingFailed', 'request', error.message);
    throw error;
  }
  const a = root.attrs;
  if (a.service !== undefined && a.service.toUpperCase() !== 'WFS') throw invalid('service', `« ${a.service} » : WFS attendu`);
  const base: WfsRequest = {
    request: root.name, version: a.version, startIndex: nonNegativeInteger('startIndex', a.startIndex) ?? 0,
    count: nonNegativeInteger('count', a.count ?? a.maxFeatures), resultType: resultType(a.resultType), outputFormat: a.outputFormat,
    query: { typeNames: [] }, storedQueryParameters: {},
  };
  switch (root.name) {
    case 'GetCapabilities': {
      const versions = child(root, 'AcceptVersions');
      return { ...base, acceptVersions: versions ? childrenNamed(versions, 'Version').map((v) => v.text) : undefined };
    }
    case 'DescribeFeatureType':
      return { ...base, query: { typeNames: childrenNamed(root, 'TypeName').map((t) => localName(t.text)) } };
    case 'DescribeStoredQueries':
      return { ...base, storedQueryIds: childrenNamed(root, 'StoredQueryId').map((t) => t.text) };
    case 'GetFeature': case 'GetPropertyValue': {
      const queries = root.children.filter((c) => c.name === 'Query' || c.name === 'StoredQuery');
      if (queries.length !== 1) throw new WfsException('OperationProcessingFailed', 'query', 'une seule requête (Query ou StoredQuery) par demande');
      const q = queries[0];
      if (q.name === 'StoredQuery') {
        const parameters = Object.fromEntries(childrenNamed(q, 'Parameter').map((p) => [p.attrs.name?.toUpperCase() ?? '', p.text]));
        return { ...base, valueReference: a.valueReference, storedQueryId: q.attrs.id, storedQueryParameters: parameters };
      }
      return { ...base, valueReference: a.valueReference, query: xmlQuery(q) };
    }
    default:
      return base;
  }
}
