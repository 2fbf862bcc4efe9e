// srsName values as WFS clients send them, and the srsName written back. urn:ogc:def:crs:EPSG::4326
// and the http URIs are lat/lon, as EPSG defines them; the legacy `EPSG:4326` and
// `http://www.opengis.net/gml/srs/epsg.xml#4326` forms are lon/lat, as WFS 1.0 servers
// (and GeoServer) have always read them.
import { CRS84, CrsError, CRS_DEFINITIONS, parseCrs, type CrsInfo } from '../crs/index.js';
import { invalid } from './errors.js';

export interface SrsChoice {
  /** Axis order and projection of the coordinates exchanged. */
  crs: CrsInfo;
  /** The srsName written in responses. */
  name: string;
}

const LEGACY = /^(?:EPSG:|http:\/\/www\.opengis\.net\/gml\/srs\/epsg\.xml#)(\d+)$/i;

/** The CRS with the same projection and east/north axis order (legacy short forms). */
function lonLatOf(crs: CrsInfo): CrsInfo {
  if (crs.axisOrder === 'xy') return crs;
  return CRS_DEFINITIONS.find((d) => d.proj4 === crs.proj4 && d.axisOrder === 'xy') ?? CRS84;
}

export function urnOf(crs: CrsInfo): string {
  return crs.epsg === null ? 'urn:ogc:def:crs:OGC:1.3:CRS84' : `urn:ogc:def:crs:EPSG::${crs.epsg}`;
}

export function parseSrsName(value: string, locator: string): SrsChoice {
  const v = value.trim();
  try {
    const legacy = LEGACY.exec(v);
    if (legacy) return { crs: lonLatOf(parseCrs(`EPSG:${legacy[1]}`)), name: v };
    const crs = parseCrs(v);
    return { crs, name: urnOf(crs) };
  } catch (error) {
    if (error instanceof CrsError) throw invalid(locator, `SRS « ${value} » non pris en charge ; voir OtherCRS dans GetCapabilities`);
    throw error;
  }
}

/** DefaultCRS of every feature type: WGS 84 in EPSG's own latitude, longitude order. */
export const DEFAULT_SRS: SrsChoice = { crs: parseCrs('EPSG:4326'), name: 'urn:ogc:def:crs:EPSG::4326' };

/** OtherCRS: every supported CRS but the default and CRS84 (the same datum as 4326). */
export function otherSrsNames(): string[] {
  return CRS_DEFINITIONS.filter((d) => d.epsg !== null && d.epsg !== 4326).map((d) => urnOf(d));
}
