// XML helpers of the WFS facade: escaping for the writers, and a small namespace-free element
// tree built with fast-xml-parser for POST bodies and FES filters.
import { XMLParser, XMLValidator } from 'fast-xml-parser';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };
// eslint-disable-next-line no-control-regex -- characters XML 1.0 forbids are dropped, not escaped
const FORBIDDEN = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g;

/** Text or attribute value, escaped. */
export function xmlEscape(value: unknown): string {
  const s = String(value);
  // eslint-disable-next-line no-control-regex -- a fast test for what needs escaping or dropping
  return /[&<>"'\u0000-\u001f\ufffe\uffff]/.test(s) ? s.replace(FORBIDDEN, '').replace(/[&<>"']/g, (c) => ESCAPES[c]) : s;
}

/** An element without its namespace prefix: `name` is the local name. */
export interface XmlElement {
  name: string;
  /** Attributes by local name (prefixes dropped, xmlns declarations left out). */
  attrs: Record<string, string>;
  children: XmlElement[];
  /** Concatenated text content (trimmed). */
  text: string;
}

export class XmlSyntaxError extends Error {}

const parser = new XMLParser({
  preserveOrder: true, ignoreAttributes: false, attributeNamePrefix: '', removeNSPrefix: true,
  parseTagValue: false, parseAttributeValue: false, trimValues: true, processEntities: true, ignoreDeclaration: true, ignorePiTags: true,
});

type Ordered = Record<string, unknown>;

function convert(node: Ordered): XmlElement | null {
  const name = Object.keys(node).find((k) => k !== ':@');
  if (!name || name === '#text' || name === '#comment') return null;
  const attrs: Record<string, string> = {};
  for (const [k, v] of Object.entries((node[':@'] as Record<string, unknown>) ?? {})) if (k !== 'xmlns') attrs[k] = String(v);
  const children: XmlElement[] = [];
  let text = '';
  for (const child of (node[name] as Ordered[]) ?? []) {
    if ('#text' in child) text += String(child['#text']);
    else {
      const c = convert(child);
      if (c) children.push(c);
    }
  }
  return { name, attrs, children, text: text.trim() };
}

/** Parses a document; throws XmlSyntaxError on malformed XML. */
export function parseXml(text: string): XmlElement {
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw new XmlSyntaxError(`XML mal formé (ligne ${valid.err.line}) : ${valid.err.msg}`);
  let parsed: Ordered[];
  try {
    parsed = parser.parse(text) as Ordered[];
  } catch (error) {
    // e.g. nesting beyond the parser's limit: the client's document, not a server fault
    throw new XmlSyntaxError(`XML refusé : ${(error as Error).message}`);
  }
  const roots = parsed.map(convert).filter((e): e is XmlElement => e !== null);
  if (roots.length !== 1) throw new XmlSyntaxError('XML : un seul élément racine attendu');
  return roots[0];
}

export function child(el: XmlElement, name: string): XmlElement | undefined {
  return el.children.find((c) => c.name === name);
}

export function childrenNamed(el: XmlElement, name: string): XmlElement[] {
  return el.children.filter((c) => c.name === name);
}
