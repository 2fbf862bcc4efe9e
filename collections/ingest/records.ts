// One record's way in: typed from text (CSV), reduced to the collection's fields, then checked
// against the collection's JSON Schema (ajv). A failure names the field and says why.
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { CollectionDefinition, PropertyDefinition } from '../../server/types.js';
import { recordSchema, type IngestSchemaOptions } from '../definitions/schema.js';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Where a record comes from, for the rejects file. */
export interface SourceRef {
  /** File path, or URL of the API page. */
  source: string;
  /** Line in the file (CSV, NDJSON spool); 1-based. */
  line?: number;
  /** Position in the file's data / features array (JSON, GeoJSON), 0-based. */
  index?: number;
}

export interface RawRecord { properties: Record<string, unknown>; ref: SourceRef }

export type Check = { ok: true } | { ok: false; field: string; reason: string; errors: string[] };

/** Something kept but worth saying (a code outside its list). */
export interface Flag { field: string; reason: string }

/** The general part of a reason, for counts by reason: "ouvrage inconnu : OPR…" → "ouvrage inconnu". */
export function reasonGroup(field: string, reason: string): string {
  return `${field} : ${reason.split(/ : | \(/)[0]}`;
}

/** Text (CSV) to the property's type; values that do not parse stay text so validation names them. */
export function coerce(p: PropertyDefinition, text: string): unknown {
  const t = text.trim();
  if (t === '') return null;
  switch (p.type) {
    case 'integer':
      return /^[-+]?\d+$/.test(t) ? Number(t) : t;
    case 'number': {
      const n = t.replace(',', '.');
      return /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(n) ? Number(n) : t;
    }
    case 'boolean': {
      const b = t.toLowerCase();
      if (['true', 't', '1', 'oui', 'vrai'].includes(b)) return true;
      if (['false', 'f', '0', 'non', 'faux'].includes(b)) return false;
      return t;
    }
    case 'array':
      if (t.startsWith('[')) {
        try { return JSON.parse(t); } catch { return t; }
      }
      return t.split(/[,|]/).map((s) => s.trim()).filter((s) => s !== '');
    case 'date':
      return DATE.test(t.slice(0, 10)) && (t.length === 10 || t[10] === 'T' || t[10] === ' ') ? t.slice(0, 10) : t;
    default:
      return text;
  }
}

function describe(error: ErrorObject): { field: string; reason: string } {
  if (error.keyword === 'required') return { field: String(error.params.missingProperty), reason: 'champ obligatoire absent' };
  const field = error.instancePath.replace(/^\//, '').split('/')[0] || '(enregistrement)';
  if (error.keyword === 'enum') {
    const allowed = (error.params.allowedValues as unknown[]).filter((v) => v !== null).join(', ');
    return { field, reason: `valeur hors de la liste de codes (${allowed})` };
  }
  if (error.keyword === 'type') return { field, reason: `type attendu : ${error.params.type}` };
  return { field, reason: error.message ?? error.keyword };
}

export class RecordChecker {
  private validate: ValidateFunction;
  private names: string[];
  private nullable: Set<string>;
  private props: Map<string, PropertyDefinition>;
  /** Fields present in the input but not in the collection, with how often: reported once. */
  readonly ignored = new Map<string, number>();

  private codes: [string, Set<string>][];

  /** With `ingest`, every field but the key may be null and codes outside their list pass (see flags()). */
  constructor(readonly definition: CollectionDefinition, ingest?: IngestSchemaOptions) {
    const ajv = new Ajv({
      allErrors: true, strict: false,
      formats: { date: DATE, uri: { type: 'string', validate: (s: string) => URL.canParse(s) } },
    });
    this.validate = ajv.compile(recordSchema(definition, ingest));
    this.names = definition.properties.map((p) => p.name);
    this.nullable = new Set(definition.properties.filter((p) => (ingest ? !ingest.keys.includes(p.name) : p.nullable)).map((p) => p.name));
    this.codes = ingest ? definition.properties.filter((p) => p.enum).map((p) => [p.name, new Set(Object.keys(p.enum!))]) : [];
    this.props = new Map(definition.properties.map((p) => [p.name, p]));
  }

  property(name: string): PropertyDefinition | undefined { return this.props.get(name); }

  /**
   * The record reduced to the collection's fields in definition order: an absent nullable field
   * is null, an absent required one stays absent (validation reports it), others are counted.
   */
  normalize(input: Record<string, unknown>, keep: ReadonlySet<string> = new Set()): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const name of this.names) {
      const value = input[name];
      if (value !== undefined) out[name] = value;
      else if (this.nullable.has(name)) out[name] = null;
    }
    for (const name of Object.keys(input)) {
      if (keep.has(name)) out[name] = input[name];
      else if (!this.props.has(name)) this.ignored.set(name, (this.ignored.get(name) ?? 0) + 1);
    }
    return out;
  }

  /** Codes outside their list (the record is kept; the caller reports them). */
  flags(record: Record<string, unknown>): Flag[] {
    const out: Flag[] = [];
    for (const [name, codes] of this.codes) {
      const value = record[name];
      if (value !== null && value !== undefined && !codes.has(String(value))) out.push({ field: name, reason: `code hors de la liste : ${String(value)} (gardé)` });
    }
    return out;
  }

  /** Labels missing beside a known code: `libelle_X` from the code list of `code_X`. */
  completeLabels(record: Record<string, unknown>): void {
    for (const p of this.definition.properties) {
      if (!p.enum || !p.name.startsWith('code_')) continue;
      const label = `libelle_${p.name.slice(5)}`;
      const code = record[p.name];
      if (label in record && record[label] === null && typeof code === 'string' && code in p.enum) record[label] = p.enum[code];
    }
  }

  check(record: Record<string, unknown>): Check {
    if (this.validate(record)) return { ok: true };
    const errors = (this.validate.errors ?? []).map(describe);
    // The most telling error first: enum and type over the generic ones ajv adds for unions.
    const first = errors.find((e) => !/must match|anyOf/.test(e.reason)) ?? errors[0];
    return { ok: false, field: first.field, reason: first.reason, errors: errors.map((e) => `${e.field}: ${e.reason}`) };
  }
}
