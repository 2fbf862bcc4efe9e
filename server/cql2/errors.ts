/** Where a CQL2-Text error was found (1-based line and column, 0-based offset). */
export interface Cql2Position { offset: number; line: number; column: number }

/**
 * Any client error in a filter: syntax, structure, unknown property, type
 * mismatch or limit. The server maps it to HTTP 400 with the message.
 */
export class Cql2Error extends Error {
  override readonly name = 'Cql2Error';
  /** Position in CQL2-Text, when known. */
  readonly position?: Cql2Position;
  /** JSON path (e.g. `$.args[1]`) in CQL2-JSON, when known. */
  readonly path?: string;

  constructor(message: string, where: { position?: Cql2Position; path?: string } = {}) {
    super(message);
    if (where.position) this.position = where.position;
    if (where.path !== undefined) this.path = where.path;
  }
}

/** Maximum length of a filter, in characters (text or JSON). */
export const MAX_FILTER_LENGTH = 20_000;
/** Maximum nesting depth of an expression (and of brackets in CQL2-Text). */
export const MAX_DEPTH = 64;
/** Maximum positions (coordinate tuples) in one geometry literal. */
export const MAX_COORDINATES = 2_000;
/** Maximum items of an IN list or an array literal. */
export const MAX_LIST_ITEMS = 1_000;

/** Line and column of an offset in a text. */
export function positionOf(text: string, offset: number): Cql2Position {
  let line = 1, column = 1;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) { line++; column = 1; } else column++;
  }
  return { offset, line, column };
}
