// The official OGC schemas (WFS 2.0, GML 3.2.1, FES 2.0, OWS 1.1) for xmllint, never committed:
// OGC_SCHEMAS=DIR (a copy of schemas.opengis.net: DIR/wfs/2.0/wfs.xsd…, with DIR/w3c/1999/xlink.xsd
// and DIR/w3c/2001/xml.xsd), or a local mirror of github.com/highsource/ogc-schemas, extracted
// once. An XML catalog maps the schemas' http locations to those files: no network.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const MIRROR = process.env.OGC_SCHEMAS_MIRROR ?? '/work/.mirror/highsource+ogc-schemas/repo';
const PREFIX = 'schemas/src/main/resources-original/ogc';
const W3C = 'demos/wms/1.3.0/schemas/w3c';

export interface Schemas { catalog: string; dir: string }

function fromMirror(): { ogc: string; w3c: string } | undefined {
  if (!existsSync(MIRROR)) return undefined;
  const head = spawnSync('git', ['--git-dir', MIRROR, 'rev-parse', 'HEAD'], { encoding: 'utf8' });
  if (head.status !== 0) return undefined;
  const out = join(tmpdir(), `ogc-schemas-${head.stdout.trim().slice(0, 12)}`);
  if (!existsSync(join(out, PREFIX, 'wfs/2.0/wfs.xsd'))) {
    const staging = `${out}.${process.pid}.tmp`;
    mkdirSync(staging, { recursive: true });
    const paths = ['wfs/2.0/wfs.xsd', 'gml/3.2.1', 'filter/2.0', 'ows/1.1.0', 'iso/19139/20070417'].map((p) => `${PREFIX}/${p}`);
    const archive = spawnSync('sh', ['-c', `git --git-dir "$0" archive HEAD "$@" | tar -x -C "${staging}"`, MIRROR, ...paths, W3C]);
    if (archive.status !== 0) return undefined;
    try { renameSync(staging, out); } catch { /* another process extracted it first */ }
  }
  return { ogc: join(out, PREFIX), w3c: join(out, W3C) };
}

let cached: Schemas | null | undefined;

/** The schemas and their catalog, or null (tests skip) when neither source is here. */
export function ogcSchemas(): Schemas | null {
  if (cached !== undefined) return cached;
  const env = process.env.OGC_SCHEMAS;
  const found = env ? { ogc: env, w3c: join(env, 'w3c') } : fromMirror();
  if (!found || !existsSync(join(found.ogc, 'wfs/2.0/wfs.xsd'))) return (cached = null);
  const catalog = join(tmpdir(), `ogc-catalog-${process.pid}.xml`);
  writeFileSync(catalog, `<?xml version="1.0"?>
<catalog xmlns="urn:oasis:names:tc:entity:xmlns:xml:catalog">
  <rewriteSystem systemIdStartString="http://schemas.opengis.net/" rewritePrefix="file://${found.ogc}/"/>
  <rewriteURI uriStartString="http://schemas.opengis.net/" rewritePrefix="file://${found.ogc}/"/>
  <rewriteSystem systemIdStartString="http://www.w3.org/" rewritePrefix="file://${found.w3c}/"/>
  <rewriteURI uriStartString="http://www.w3.org/" rewritePrefix="file://${found.w3c}/"/>
</catalog>
`);
  return (cached = { catalog, dir: found.ogc });
}

export const hasXmllint = spawnSync('sh', ['-c', 'command -v xmllint']).status === 0;

/**
 * Validates `xml` against `schema` (a URL the catalog resolves, or a file) with xmllint, offline.
 * Returns xmllint's messages when invalid, '' when valid.
 */
export function validate(schemas: Schemas, xml: string, schema: string, extraFiles: Record<string, string> = {}): string {
  const dir = join(tmpdir(), `wfs-validate-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(extraFiles)) writeFileSync(join(dir, name), text);
  const file = join(dir, 'document.xml');
  writeFileSync(file, xml);
  const result = spawnSync('xmllint', ['--nonet', '--noout', '--schema', schema, file], { encoding: 'utf8', env: { ...process.env, XML_CATALOG_FILES: schemas.catalog }, cwd: dir });
  return result.status === 0 ? '' : result.stderr;
}

/** A schema importing WFS 2.0 and the feature types (DescribeFeatureType output in types.xsd). */
export function wrapperSchema(namespace: string): string {
  return `<?xml version="1.0"?>
<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:test:wrapper" elementFormDefault="qualified">
<xsd:import namespace="http://www.opengis.net/wfs/2.0" schemaLocation="http://schemas.opengis.net/wfs/2.0/wfs.xsd"/>
<xsd:import namespace="${namespace}" schemaLocation="types.xsd"/>
</xsd:schema>
`;
}
