// The CRSs this server reads and writes (OGC API – Features Part 2).
// Storage is CRS84; everything else is derived from this one table.
import type { Rect } from '../types.js';

export interface CrsDefinition {
  /** Authority:code, the key used by parseCrs (OGC:CRS84, EPSG:2154…). */
  id: string;
  /** Canonical OGC URI, as advertised in `crs`, `storageCrs` and Content-Crs. */
  uri: string;
  title: string;
  /** EPSG code, null for CRS84 (an OGC definition). */
  epsg: number | null;
  proj4: string;
  /**
   * Order of the axes as exchanged on the wire: 'xy' = (east, north) — lon,lat
   * or E,N; 'yx' = (north, east) — lat,lon, as EPSG:4326 defines it.
   */
  axisOrder: 'xy' | 'yx';
  units: 'degree' | 'metre';
  /** Output rounding: 7 decimals of a degree ≈ 1 cm; 2 decimals of a metre = 1 cm. */
  decimals: number;
  /** Area of use, in CRS84 (minX = west lon, minY = south lat). */
  areaOfUse: Rect;
}

const LONLAT_WGS84 = '+proj=longlat +datum=WGS84 +no_defs';
const WORLD: Rect = { minX: -180, minY: -90, maxX: 180, maxY: 90 };

const epsgUri = (code: number): string => `http://www.opengis.net/def/crs/EPSG/0/${code}`;

// The French realisations (RGF93, RGAF09, RGFG95, RGR92, RGM04) are ITRF-aligned:
// treated as WGS84 with a null shift, as EPSG/PROJ and IGN do at the metre level.
const utm = (zone: number, south: boolean): string =>
  `+proj=utm +zone=${zone}${south ? ' +south' : ''} +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +units=m +no_defs`;

export const CRS_DEFINITIONS: readonly CrsDefinition[] = [
  {
    id: 'OGC:CRS84',
    uri: 'http://www.opengis.net/def/crs/OGC/1.3/CRS84',
    title: 'WGS 84 (CRS84, longitude, latitude)',
    epsg: null,
    proj4: LONLAT_WGS84,
    axisOrder: 'xy',
    units: 'degree',
    decimals: 7,
    areaOfUse: WORLD,
  },
  {
    id: 'EPSG:4326',
    uri: epsgUri(4326),
    title: 'WGS 84 (latitude, longitude)',
    epsg: 4326,
    proj4: LONLAT_WGS84,
    axisOrder: 'yx',
    units: 'degree',
    decimals: 7,
    areaOfUse: WORLD,
  },
  {
    id: 'EPSG:2154',
    uri: epsgUri(2154),
    title: 'RGF93 v1 / Lambert-93 (France métropolitaine)',
    epsg: 2154,
    proj4:
      '+proj=lcc +lat_0=46.5 +lon_0=3 +lat_1=49 +lat_2=44 +x_0=700000 +y_0=6600000 ' +
      '+ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +units=m +no_defs',
    axisOrder: 'xy',
    units: 'metre',
    decimals: 2,
    areaOfUse: { minX: -9.86, minY: 41.15, maxX: 10.38, maxY: 51.56 },
  },
  {
    id: 'EPSG:3857',
    uri: epsgUri(3857),
    title: 'WGS 84 / Pseudo-Mercator',
    epsg: 3857,
    proj4:
      '+proj=merc +a=6378137 +b=6378137 +lat_ts=0 +lon_0=0 +x_0=0 +y_0=0 +k=1 ' +
      '+units=m +nadgrids=@null +wktext +no_defs',
    axisOrder: 'xy',
    units: 'metre',
    decimals: 2,
    areaOfUse: { minX: -180, minY: -85.06, maxX: 180, maxY: 85.06 },
  },
  {
    id: 'EPSG:5490',
    uri: epsgUri(5490),
    title: 'RGAF09 / UTM zone 20N (Guadeloupe, Martinique)',
    epsg: 5490,
    proj4: utm(20, false),
    axisOrder: 'xy',
    units: 'metre',
    decimals: 2,
    areaOfUse: { minX: -63.66, minY: 14.08, maxX: -60, maxY: 18.31 },
  },
  {
    id: 'EPSG:2972',
    uri: epsgUri(2972),
    title: 'RGFG95 / UTM zone 22N (Guyane)',
    epsg: 2972,
    proj4: utm(22, false),
    axisOrder: 'xy',
    units: 'metre',
    decimals: 2,
    // EPSG stops at 54°W; the whole territory (to the Maroni, 54.61°W) uses it legally.
    areaOfUse: { minX: -54.61, minY: 2.11, maxX: -49.45, maxY: 8.88 },
  },
  {
    id: 'EPSG:2975',
    uri: epsgUri(2975),
    title: 'RGR92 / UTM zone 40S (La Réunion)',
    epsg: 2975,
    proj4: utm(40, true),
    axisOrder: 'xy',
    units: 'metre',
    decimals: 2,
    areaOfUse: { minX: 54, minY: -24.72, maxX: 58.24, maxY: -18.28 },
  },
  {
    id: 'EPSG:4471',
    uri: epsgUri(4471),
    title: 'RGM04 / UTM zone 38S (Mayotte)',
    epsg: 4471,
    proj4: utm(38, true),
    axisOrder: 'xy',
    units: 'metre',
    decimals: 2,
    areaOfUse: { minX: 43.68, minY: -14.49, maxX: 46.7, maxY: -11.33 },
  },
];
