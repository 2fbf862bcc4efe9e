// Page features of the FlatGeobuf provider: geometry and id decoded at once, properties only if
// something reads them, and GeoJSON written straight from the feature's bytes (transcode.ts).
import type { HeaderMeta } from 'flatgeobuf/lib/mjs/header-meta.js';
import { ColumnType } from 'flatgeobuf/lib/mjs/flat-geobuf/column-type.js';
import { GeometryType } from 'flatgeobuf/lib/mjs/flat-geobuf/geometry-type.js';
import type { JsonBytes } from '../../formats/json-bytes.js';
import type { Feature } from '../../types.js';
import { decodeFeature, type DecodeOptions } from './format.js';
import { fixed, PropertyDecoder, pointVector } from './properties.js';
import { GeoJsonTranscoder } from './transcode.js';

/** Every feature has its id columns: one without is garbage bytes decoded, not a feature to serve. */
export function checkId(values: Record<string, unknown>, idProperties: string[], index: number): void {
  for (const p of idProperties) if (values[p] === null || values[p] === undefined) throw new Error(`feature ${index} has no ${p} (corrupt file)`);
}

/**
 * A page feature: geometry and id read at once, properties decoded only if something reads them,
 * and json() written straight from the bytes (the bytes are one page's read, released with it).
 */
class LazyFeature implements Feature {
  private decoded?: Record<string, unknown>;
  private replaced = false;
  /**
   * `shape`: the geometry, or undefined for a point at (x, y), whose object is made only if something
   * reads it (a page written from bytes never does).
   */
  constructor(
    readonly id: string,
    readonly index: number,
    private shape: Feature['geometry'] | undefined,
    private x: number,
    private y: number,
    private bytes: Uint8Array,
    private position: number,
    private owner: PageFeatures,
  ) {}
  get geometry(): Feature['geometry'] {
    // Made once (callers may compare geometries by identity); null stays null.
    if (this.shape === undefined) this.shape = { type: 'Point', coordinates: [this.x, this.y] };
    return this.shape;
  }
  get properties(): Record<string, unknown> {
    return (this.decoded ??= this.owner.decodeProperties(this.bytes, this.position));
  }
  set properties(value: Record<string, unknown>) {
    this.decoded = value;
    this.replaced = true;
  }
  json(): string | undefined {
    // Replaced properties no longer match the bytes: let the format serialise them.
    return this.replaced ? undefined : this.owner.featureJson(this);
  }
  /** json() as bytes into `out` (JsonBytesFeature); false when the format must serialise it. */
  writeJson(out: JsonBytes): boolean {
    return !this.replaced && this.owner.featureJsonInto(this, out);
  }
  jsonBytesInto(transcoder: GeoJsonTranscoder, out: JsonBytes): void {
    const shape = this.shape;
    if (shape === undefined) transcoder.featureInto(out, this.bytes, this.position, this.id, true, this.x, this.y, null);
    else if (shape?.type === 'Point') transcoder.featureInto(out, this.bytes, this.position, this.id, true, shape.coordinates[0], shape.coordinates[1], null);
    else transcoder.featureInto(out, this.bytes, this.position, this.id, false, 0, 0, shape);
  }
  jsonFromBytes(transcoder: GeoJsonTranscoder): string {
    const geometry = this.geometry?.type === 'Point'
      ? `{"type":"Point","coordinates":[${this.geometry.coordinates[0]},${this.geometry.coordinates[1]}]}`
      : JSON.stringify(this.geometry);
    return transcoder.feature(this.bytes, this.position, this.id, geometry);
  }
}

/** Makes the page features of one file (its header, id columns and JSON columns). */
export class PageFeatures {
  private idDecoder: PropertyDecoder;
  private transcoder: GeoJsonTranscoder;
  private full?: PropertyDecoder;
  /** JSON columns declared as arrays but stored as text need the decoding path. */
  private textJsonColumns: boolean;

  constructor(private header: HeaderMeta, private idProperties: string[], private decodeOptions: DecodeOptions) {
    this.idDecoder = new PropertyDecoder(header.columns ?? [], idProperties);
    this.transcoder = new GeoJsonTranscoder(header.columns ?? []);
    const json = decodeOptions.jsonColumns;
    this.textJsonColumns = !!json?.size && !!header.columns?.some((c) => json.has(c.name) && c.type !== ColumnType.Json);
  }

  /** The page feature at `position` of `bytes` (feature number `index`). */
  feature(bytes: Uint8Array, position: number, index: number): Feature {
    const ids = this.idProperties;
    let id: string;
    if (ids.length === 1) {
      // One id column (every collection here): its value alone, no object per feature.
      const value = this.idDecoder.only(bytes, position);
      if (value === null || value === undefined) throw new Error(`feature ${index} has no ${ids[0]} (corrupt file)`);
      id = String(value);
    } else {
      const idValues = this.idDecoder.decode(bytes, position);
      checkId(idValues, ids, index);
      id = ids.map((p) => idValues[p]).join('_');
    }
    if (this.header.geometryType === GeometryType.Point) {
      const xy = pointVector(bytes, position);
      if (xy < 0) return new LazyFeature(id, index, null, 0, 0, bytes, position, this);
      return new LazyFeature(id, index, undefined, fixed(bytes, xy, 8).getFloat64(0, true), fixed(bytes, xy + 8, 8).getFloat64(0, true), bytes, position, this);
    }
    const geometry = decodeFeature(bytes, position, this.header, { geometry: true, columns: new Set(), decoder: this.idDecoder }).geometry;
    return new LazyFeature(id, index, geometry, 0, 0, bytes, position, this);
  }

  /** Full properties of the feature at `position` (LazyFeature's getter). */
  decodeProperties(bytes: Uint8Array, position: number): Record<string, unknown> {
    this.full ??= new PropertyDecoder(this.header.columns ?? [], undefined, this.decodeOptions.jsonColumns);
    return decodeFeature(bytes, position, this.header, { ...this.decodeOptions, geometry: false, decoder: this.full }).properties;
  }

  featureJson(feature: LazyFeature): string | undefined {
    return this.textJsonColumns ? undefined : feature.jsonFromBytes(this.transcoder);
  }

  featureJsonInto(feature: LazyFeature, out: JsonBytes): boolean {
    if (this.textJsonColumns) return false;
    feature.jsonBytesInto(this.transcoder, out);
    return true;
  }
}
