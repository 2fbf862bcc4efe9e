// WFS 2.0 facade over the fixture: every operation and error, documents validated against the
// official schemas (xmllint, offline), GML parsed back, FES filters giving exactly the features
// the same CQL2 filter gives on the OGC API side.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Express } from 'express';
import request from 'supertest';
import { openCatalog, type Catalog } from '../../server/catalog.js';
import { CRS84, makeTransformer, parseCrs } from '../../server/crs/index.js';
import { buildFixture, fixtureDefinition, fixtureRecords } from '../fixtures.js';
import { all, exceptionOf, featureIds, first, getXml, KVP, OPTIONS, wfsApp } from './helpers.js';
import { hasXmllint, ogcSchemas, validate, wrapperSchema } from './schemas.js';

const schemas = hasXmllint ? ogcSchemas() : null;
const noSchemas = !hasXmllint ? 'xmllint (Debian libxml2-utils) is not installed'
  : !schemas ? 'OGC schemas not found: set OGC_SCHEMAS to a copy of schemas.opengis.net (or OGC_SCHEMAS_MIRROR to a clone of highsource/ogc-schemas)' : false;

let app: Express;
let catalog: Catalog;
let typesXsd = '';
const records = fixtureRecords();

before(async () => {
  catalog = await openCatalog(await buildFixture(), [fixtureDefinition]);
  app = wfsApp(() => catalog);
  typesXsd = (await getXml(app, 'REQUEST=DescribeFeatureType')).text;
});
after(() => catalog.close());

const WFS_XSD = 'http://schemas.opengis.net/wfs/2.0/wfs.xsd';
// owsAll.xsd: owsExceptionReport.xsd alone is loaded twice by xmllint (under two URIs) and refused.
const OWS_EXCEPTION_XSD = 'http://schemas.opengis.net/ows/1.1.0/owsAll.xsd';

function assertValid(xml: string, schema = WFS_XSD): void {
  if (!schemas) return;
  const withTypes = schema === 'types';
  const messages = validate(schemas, xml, withTypes ? 'wrapper.xsd' : schema, withTypes ? { 'types.xsd': typesXsd, 'wrapper.xsd': wrapperSchema(OPTIONS.namespace) } : {});
  assert.equal(messages, '', messages.slice(0, 2000));
}

async function oapiIds(query: string): Promise<string[]> {
  const res = await request(app).get(`/collections/sites/items?limit=1000&${query}`);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body.features.map((f: { id: string }) => f.id);
}

const FES = 'xmlns:fes="http://www.opengis.net/fes/2.0" xmlns:gml="http://www.opengis.net/gml/3.2" xmlns:test="https://example.org/test"';
const filterParam = (body: string) => `FILTER=${encodeURIComponent(`<fes:Filter ${FES}>${body}</fes:Filter>`)}`;
const prop = (name: string) => `<fes:ValueReference>test:${name}</fes:ValueReference>`;
const lit = (v: string | number) => `<fes:Literal>${v}</fes:Literal>`;

describe('WFS 2.0 GetCapabilities', () => {
  it('lists the types with CRSs, formats, paging and the filter capabilities, valid against wfs.xsd', { skip: noSchemas }, async () => {
    const { text, root, type } = await getXml(app, 'REQUEST=GetCapabilities');
    assert.match(type, /xml/);
    assertValid(text);
    assert.equal(root.name, 'WFS_Capabilities');
    assert.equal(root.attrs.version, '2.0.0');
    const titles = all(first(root, 'ServiceIdentification'), 'Title');
    assert.deepEqual(titles.map((t) => [t.attrs.lang, t.text]), [['fr', 'Service de test'], ['en', 'Test service']]);
    const ft = first(root, 'FeatureType');
    assert.equal(first(ft, 'Name').text, 'test:sites');
    assert.equal(first(ft, 'DefaultCRS').text, 'urn:ogc:def:crs:EPSG::4326');
    assert.ok(all(ft, 'OtherCRS').some((c) => c.text === 'urn:ogc:def:crs:EPSG::2154'));
    assert.deepEqual(all(ft, 'Format').map((f) => f.text), ['application/gml+xml; version=3.2', 'application/json']);
    const [lower, upper] = [first(ft, 'LowerCorner').text, first(ft, 'UpperCorner').text].map((s) => s.split(' ').map(Number));
    assert.ok(lower[0] < -0.5 && upper[0] > 55 && lower[1] < -20 && upper[1] > 50, 'WGS84BoundingBox in lon lat');
    const constraint = (name: string) => all(root, 'Constraint').find((c) => c.attrs.name === name)?.children.find((c) => c.name === 'DefaultValue')?.text;
    assert.equal(constraint('ImplementsResultPaging'), 'TRUE');
    assert.equal(constraint('CountDefault'), '1000');
    assert.equal(constraint('ImplementsSpatialFilter'), 'TRUE');
    assert.equal(constraint('ImplementsTemporalFilter'), 'FALSE');
    assert.ok(all(root, 'ComparisonOperator').some((o) => o.attrs.name === 'PropertyIsLike'));
    assert.ok(all(root, 'SpatialOperator').some((o) => o.attrs.name === 'DWithin'));
  });

  it('answers ACCEPTVERSIONS including 2.0.0, and VersionNegotiationFailed otherwise', async () => {
    assert.equal((await getXml(app, 'REQUEST=GetCapabilities&ACCEPTVERSIONS=2.0.0,1.1.0')).root.attrs.version, '2.0.0');
    const { root, text } = await getXml(app, 'REQUEST=GetCapabilities&ACCEPTVERSIONS=1.1.0,1.0.0', 400);
    assert.equal(exceptionOf(root).code, 'VersionNegotiationFailed');
    assert.equal(exceptionOf(root).locator, 'acceptVersions');
    assertValid(text, OWS_EXCEPTION_XSD);
  });

  it('is the same document by POST XML', async () => {
    const res = await request(app).post('/wfs').type('application/xml').send('<GetCapabilities xmlns="http://www.opengis.net/wfs/2.0" service="WFS"><AcceptVersions xmlns="http://www.opengis.net/ows/1.1"><Version>2.0.0</Version></AcceptVersions></GetCapabilities>');
    assert.equal(res.status, 200);
    assert.match(res.text, /<wfs:Name>test:sites<\/wfs:Name>/);
  });
});

describe('WFS 2.0 DescribeFeatureType', () => {
  it('is an XML Schema extending gml:AbstractFeatureType, typed from the definitions', { skip: noSchemas }, async () => {
    const { root, type } = await getXml(app, 'REQUEST=DescribeFeatureType&TYPENAMES=test:sites');
    assert.match(type, /application\/gml\+xml; version=3\.2/);
    assert.equal(root.attrs.targetNamespace, OPTIONS.namespace);
    assert.equal(first(root, 'extension').attrs.base, 'gml:AbstractFeatureType');
    const types = Object.fromEntries(all(root, 'element').map((e) => [e.attrs.name, e.attrs.type]));
    assert.deepEqual(types, {
      code: 'xsd:string', nom: 'xsd:string', annee: 'xsd:long', volume: 'xsd:double', usage: 'xsd:string', actif: 'xsd:boolean', tags: 'xsd:string',
      geometry: 'gml:PointPropertyType', sites: 'test:sitesType',
    });
    // The schema compiles (xmllint loads it with GML 3.2.1) and validates a feature collection below.
    assertValid((await getXml(app, 'REQUEST=GetFeature&TYPENAMES=test:sites&COUNT=1')).text, 'types');
  });
  it('refuses an unknown type', async () => {
    const { root } = await getXml(app, 'REQUEST=DescribeFeatureType&TYPENAMES=test:nope', 400);
    assert.deepEqual([exceptionOf(root).code, exceptionOf(root).locator], ['InvalidParameterValue', 'typeNames']);
  });
});

describe('WFS 2.0 GetFeature', () => {
  it('writes GML 3.2 valid against WFS 2.0 + the types, lat/lon for urn EPSG::4326, parsed back', { skip: noSchemas }, async () => {
    const { text, root } = await getXml(app, 'REQUEST=GetFeature&TYPENAMES=test:sites&COUNT=30');
    assertValid(text, 'types');
    assert.equal(root.attrs.numberMatched, '30');
    assert.equal(root.attrs.numberReturned, '30');
    assert.equal(root.attrs.next, undefined);
    const byId = new Map(records.map((r) => [r.code, r]));
    const members = root.children.filter((c) => c.name === 'member').map((m) => m.children[0]);
    assert.equal(members.length, 30);
    for (const f of members) {
      const r = byId.get(f.attrs.id.replace('sites.', ''))!;
      assert.ok(r, f.attrs.id);
      assert.equal(first(f, 'nom').text, r.nom);
      assert.equal(Number(first(f, 'annee').text), r.annee);
      assert.equal(first(f, 'tags').text, r.tags.join(','));
      if (r.volume === null) assert.equal(all(f, 'volume').length, 0); else assert.equal(Number(first(f, 'volume').text), r.volume);
      const point = first(f, 'Point');
      assert.equal(point.attrs.srsName, 'urn:ogc:def:crs:EPSG::4326');
      assert.deepEqual(first(point, 'pos').text.split(' ').map(Number), [r.lat, r.lon]);
    }
  });

  it('reprojects to SRSNAME (Lambert-93, 3857) and reads legacy EPSG:4326 as lon/lat', async () => {
    const paris = records.find((r) => r.nom === 'Paris')!;
    for (const [srs, target] of [['urn:ogc:def:crs:EPSG::2154', 'EPSG:2154'], ['http://www.opengis.net/def/crs/EPSG/0/3857', 'EPSG:3857'], ['EPSG:4326', 'OGC:CRS84']]) {
      const { root } = await getXml(app, `REQUEST=GetFeature&TYPENAMES=test:sites&RESOURCEID=sites.${paris.code}&SRSNAME=${encodeURIComponent(srs)}`);
      const expected = (makeTransformer(CRS84, parseCrs(target))({ type: 'Point', coordinates: [paris.lon, paris.lat] }) as { coordinates: number[] }).coordinates;
      assert.deepEqual(first(root, 'pos').text.split(' ').map(Number), expected, srs);
    }
  });

  it('pages with STARTINDEX/COUNT, next and previous, stably, over the whole result', async () => {
    const seen: string[] = [];
    let query = 'REQUEST=GetFeature&TYPENAMES=test:sites&COUNT=7';
    for (let i = 0; i < 10; i++) {
      const { root } = await getXml(app, query);
      assert.equal(root.attrs.numberMatched, '30');
      if (i > 0) assert.ok(root.attrs.previous, 'previous');
      seen.push(...featureIds(root));
      if (!root.attrs.next) break;
      const next = new URL(root.attrs.next);
      assert.equal(next.pathname, '/wfs');
      query = [...next.searchParams].filter(([k]) => !/^(SERVICE|VERSION)$/.test(k)).map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&');
    }
    assert.equal(seen.length, 30);
    assert.equal(new Set(seen).size, 30);
    const { root } = await getXml(app, 'REQUEST=GetFeature&TYPENAMES=test:sites&STARTINDEX=28&COUNT=7');
    assert.deepEqual([root.attrs.numberReturned, featureIds(root).length], ['2', 2]);
    assert.match(root.attrs.previous, /STARTINDEX=21/);
  });

  it('the same KVP GetFeature again is sent whole from the page cache (GML and GeoJSON)', async () => {
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    try {
      for (const extra of ['', '&OUTPUTFORMAT=application/json']) {
        const url = `${KVP}&REQUEST=GetFeature&TYPENAMES=test:sites&COUNT=4${extra}`;
        // Uncompressed, to compare lengths (test/server/compression.test.ts covers the encoded variants).
        const a = await request(server).get(url).set('Accept-Encoding', 'identity').buffer(true);
        await new Promise((r) => setTimeout(r, 1100)); // a newly written document would carry a new timeStamp
        const b = await request(server).get(url).set('Accept-Encoding', 'identity').buffer(true);
        assert.equal(a.status, 200);
        assert.equal(b.headers['content-length'], String(Buffer.byteLength(a.text)));
        assert.equal(b.text, a.text);
      }
    } finally { server.close(); }
  });

  it('RESULTTYPE=hits counts without features', { skip: noSchemas }, async () => {
    const { root, text } = await getXml(app, `REQUEST=GetFeature&TYPENAMES=test:sites&RESULTTYPE=hits&${filterParam(`<fes:PropertyIsEqualTo>${prop('usage')}${lit('AEP')}</fes:PropertyIsEqualTo>`)}`);
    assertValid(text, 'types');
    assert.equal(root.attrs.numberMatched, String(records.filter((r) => r.usage === 'AEP').length));
    assert.equal(root.attrs.numberReturned, '0');
    assert.equal(featureIds(root).length, 0);
  });

  it('PROPERTYNAME, SORTBY and RESOURCEID', async () => {
    const { root } = await getXml(app, 'REQUEST=GetFeature&TYPENAMES=test:sites&PROPERTYNAME=test:nom,annee&SORTBY=volume DESC&COUNT=3');
    const f = root.children[0].children[0];
    assert.deepEqual(f.children.map((c) => c.name), ['nom', 'annee']);
    const top = records.filter((r) => r.volume !== null).sort((a, b) => b.volume! - a.volume!).slice(0, 3).map((r) => r.code);
    assert.deepEqual(featureIds(root), top);
    const asc = await getXml(app, 'REQUEST=GetFeature&TYPENAMES=test:sites&SORTBY=nom ASC,annee DESC&COUNT=2');
    assert.deepEqual(featureIds(asc.root), ['S026', 'S025']); // Besançon 2021, 2020
    const ids = await getXml(app, 'REQUEST=GetFeature&RESOURCEID=sites.S003,sites.S017');
    assert.deepEqual(featureIds(ids.root).sort(), ['S003', 'S017']);
  });

  it('BBOX in the CRS it names: urn EPSG::4326 (lat/lon), CRS84, Lambert-93', async () => {
    const expected = await oapiIds('bbox=2,48,8,49.5');
    assert.ok(expected.length > 0);
    for (const bbox of ['48,2,49.5,8,urn:ogc:def:crs:EPSG::4326', '48,2,49.5,8', '2,48,8,49.5,urn:ogc:def:crs:OGC:1.3:CRS84']) {
      assert.deepEqual(featureIds((await getXml(app, `REQUEST=GetFeature&TYPENAMES=test:sites&BBOX=${bbox}`)).root).sort(), [...expected].sort(), bbox);
    }
    const lambert = await oapiIds(`bbox=640000,6850000,665000,6875000&bbox-crs=${encodeURIComponent('http://www.opengis.net/def/crs/EPSG/0/2154')}`);
    assert.deepEqual(featureIds((await getXml(app, 'REQUEST=GetFeature&TYPENAMES=test:sites&BBOX=640000,6850000,665000,6875000,urn:ogc:def:crs:EPSG::2154')).root).sort(), lambert.sort());
  });

  it('GeoJSON with OUTPUTFORMAT=application/json (CRS84 unless SRSNAME)', async () => {
    const res = await request(app).get(`${KVP}&REQUEST=GetFeature&TYPENAMES=test:sites&COUNT=5&OUTPUTFORMAT=application/json`);
    assert.equal(res.status, 200);
    assert.match(res.headers['content-type'], /application\/json/);
    const body = JSON.parse(res.text);
    assert.equal(body.type, 'FeatureCollection');
    assert.equal(body.numberMatched, 30);
    assert.equal(body.numberReturned, 5);
    assert.ok(body.links.some((l: { rel: string }) => l.rel === 'next'));
    const r = records.find((x) => x.code === body.features[0].id)!;
    assert.deepEqual(body.features[0].geometry.coordinates, [r.lon, r.lat]);
  });

  it('POST XML GetFeature with a Query, a FES filter, SortBy and PropertyName', async () => {
    const xml = `<wfs:GetFeature service="WFS" version="2.0.0" count="50" xmlns:wfs="http://www.opengis.net/wfs/2.0" ${FES}>
<wfs:Query typeNames="test:sites"><wfs:PropertyName>test:code</wfs:PropertyName>
<fes:Filter><fes:PropertyIsGreaterThan>${prop('annee')}${lit(2019)}</fes:PropertyIsGreaterThan></fes:Filter>
<fes:SortBy><fes:SortProperty><fes:ValueReference>test:code</fes:ValueReference><fes:SortOrder>DESC</fes:SortOrder></fes:SortProperty></fes:SortBy></wfs:Query></wfs:GetFeature>`;
    const res = await request(app).post('/wfs').type('text/xml').send(xml);
    assert.equal(res.status, 200, res.text);
    const { parseXml } = await import('../../server/wfs/xml.js');
    const root = parseXml(res.text);
    assert.deepEqual(featureIds(root), records.filter((r) => r.annee > 2019).map((r) => r.code).sort().reverse());
  });
});

describe('FES 2.0 filters give what the same CQL2 filter gives', () => {
  const point = (lat: number, lon: number) => `<gml:Point gml:id="p" srsName="urn:ogc:def:crs:EPSG::4326"><gml:pos>${lat} ${lon}</gml:pos></gml:Point>`;
  const polygon = '<gml:Polygon gml:id="q" srsName="urn:ogc:def:crs:EPSG::4326"><gml:exterior><gml:LinearRing><gml:posList>43 -1 51 -1 51 4 43 4 43 -1</gml:posList></gml:LinearRing></gml:exterior></gml:Polygon>';
  const cases: [string, string, string][] = [
    ['equal', `<fes:PropertyIsEqualTo>${prop('usage')}${lit('AEP')}</fes:PropertyIsEqualTo>`, "usage = 'AEP'"],
    ['and', `<fes:And><fes:PropertyIsGreaterThanOrEqualTo>${prop('annee')}${lit(2020)}</fes:PropertyIsGreaterThanOrEqualTo><fes:PropertyIsNotEqualTo>${prop('usage')}${lit('IRR')}</fes:PropertyIsNotEqualTo></fes:And>`, "annee >= 2020 AND usage <> 'IRR'"],
    ['or, not', `<fes:Or><fes:PropertyIsLessThan>${prop('volume')}${lit(300000)}</fes:PropertyIsLessThan><fes:Not><fes:PropertyIsEqualTo>${prop('actif')}${lit('true')}</fes:PropertyIsEqualTo></fes:Not></fes:Or>`, 'volume < 300000 OR NOT actif = true'],
    ['like', `<fes:PropertyIsLike wildCard="*" singleChar="." escapeChar="!">${prop('nom')}${lit('B*')}</fes:PropertyIsLike>`, "nom LIKE 'B%'"],
    ['like, single char', `<fes:PropertyIsLike wildCard="*" singleChar="." escapeChar="!">${prop('nom')}${lit('L.on')}</fes:PropertyIsLike>`, "nom LIKE 'L_on'"],
    ['like, case-insensitive', `<fes:PropertyIsLike wildCard="%" singleChar="_" escapeChar="\\" matchCase="false">${prop('nom')}${lit('s%')}</fes:PropertyIsLike>`, "CASEI(nom) LIKE CASEI('s%')"],
    ['equal, case-insensitive', `<fes:PropertyIsEqualTo matchCase="false">${prop('nom')}${lit('paris')}</fes:PropertyIsEqualTo>`, "CASEI(nom) = CASEI('paris')"],
    ['null', `<fes:PropertyIsNull>${prop('volume')}</fes:PropertyIsNull>`, 'volume IS NULL'],
    ['between', `<fes:PropertyIsBetween>${prop('volume')}<fes:LowerBoundary>${lit(500000)}</fes:LowerBoundary><fes:UpperBoundary>${lit(1000000)}</fes:UpperBoundary></fes:PropertyIsBetween>`, 'volume BETWEEN 500000 AND 1000000'],
    ['bbox (lat/lon envelope)', `<fes:BBOX>${prop('geometry')}<gml:Envelope srsName="urn:ogc:def:crs:EPSG::4326"><gml:lowerCorner>43 -1</gml:lowerCorner><gml:upperCorner>51 4</gml:upperCorner></gml:Envelope></fes:BBOX>`, 'S_INTERSECTS(geometry, BBOX(-1, 43, 4, 51))'],
    ['bbox (Lambert-93 envelope)', `<fes:BBOX><gml:Envelope srsName="urn:ogc:def:crs:EPSG::2154"><gml:lowerCorner>600000 6800000</gml:lowerCorner><gml:upperCorner>1100000 7100000</gml:upperCorner></gml:Envelope></fes:BBOX>`, `S_INTERSECTS(geometry, POLYGON((${[[600000, 6800000], [1100000, 6800000], [1100000, 7100000], [600000, 7100000], [600000, 6800000]].map((p) => { const c = (makeTransformer(parseCrs('EPSG:2154'), CRS84)({ type: 'Point', coordinates: p }) as { coordinates: number[] }).coordinates; return `${c[0]} ${c[1]}`; }).join(',')})))`],
    ['intersects', `<fes:Intersects>${prop('geometry')}${polygon}</fes:Intersects>`, 'S_INTERSECTS(geometry, POLYGON((-1 43,-1 51,4 51,4 43,-1 43)))'],
    ['within', `<fes:Within>${prop('geometry')}${polygon}</fes:Within>`, 'S_WITHIN(geometry, POLYGON((-1 43,-1 51,4 51,4 43,-1 43)))'],
    ['disjoint', `<fes:Disjoint>${prop('geometry')}${polygon}</fes:Disjoint>`, 'S_DISJOINT(geometry, POLYGON((-1 43,-1 51,4 51,4 43,-1 43)))'],
    ['resource ids', '<fes:ResourceId rid="sites.S001"/><fes:ResourceId rid="S002"/>', "code IN ('S001', 'S002')"],
  ];
  for (const [name, fes, cql2] of cases) {
    it(name, async () => {
      const expected = await oapiIds(`filter=${encodeURIComponent(cql2)}`);
      const { root } = await getXml(app, `REQUEST=GetFeature&TYPENAMES=test:sites&${filterParam(fes)}`);
      assert.deepEqual(featureIds(root), expected);
      assert.equal(root.attrs.numberMatched, String(expected.length));
    });
  }

  it('DWithin and Beyond (metres, km) around Paris', async () => {
    const km = (a: { lat: number; lon: number }, b: { lat: number; lon: number }) => {
      const rad = Math.PI / 180;
      const h = Math.sin(((b.lat - a.lat) * rad) / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(((b.lon - a.lon) * rad) / 2) ** 2;
      return 2 * 6371.0088 * Math.asin(Math.sqrt(h));
    };
    const paris = { lat: 48.8566, lon: 2.3522 };
    const near = records.filter((r) => km(paris, r) <= 300).map((r) => r.code);
    assert.ok(near.length > 3 && near.length < 30);
    const within = await getXml(app, `REQUEST=GetFeature&TYPENAMES=test:sites&${filterParam(`<fes:DWithin>${prop('geometry')}${point(paris.lat, paris.lon)}<fes:Distance uom="m">300000</fes:Distance></fes:DWithin>`)}`);
    assert.deepEqual(featureIds(within.root).sort(), near.sort());
    const beyond = await getXml(app, `REQUEST=GetFeature&TYPENAMES=test:sites&${filterParam(`<fes:Beyond>${prop('geometry')}${point(paris.lat, paris.lon)}<fes:Distance uom="km">300</fes:Distance></fes:Beyond>`)}`);
    assert.equal(featureIds(beyond.root).length, 30 - near.length);
  });
});

describe('WFS 2.0 GetPropertyValue and stored queries', () => {
  it('GetPropertyValue gives a ValueCollection, valid', { skip: noSchemas }, async () => {
    const { root, text } = await getXml(app, 'REQUEST=GetPropertyValue&TYPENAMES=test:sites&VALUEREFERENCE=nom&COUNT=4');
    assertValid(text, 'types');
    assert.equal(root.name, 'ValueCollection');
    const firstFour = (await request(app).get('/collections/sites/items?limit=4')).body.features.map((f: { properties: { nom: string } }) => f.properties.nom);
    assert.deepEqual(all(root, 'nom').map((n) => n.text), firstFour);
    const geometry = await getXml(app, 'REQUEST=GetPropertyValue&TYPENAMES=test:sites&VALUEREFERENCE=geometry&COUNT=2');
    assertValid(geometry.text, 'types');
    assert.equal(all(geometry.root, 'Point').length, 2);
    const missing = await getXml(app, 'REQUEST=GetPropertyValue&TYPENAMES=test:sites', 400);
    assert.equal(exceptionOf(missing.root).locator, 'valueReference');
  });

  it('ListStoredQueries, DescribeStoredQueries and GetFeatureById, valid', { skip: noSchemas }, async () => {
    const list = await getXml(app, 'REQUEST=ListStoredQueries');
    assertValid(list.text);
    assert.equal(first(list.root, 'StoredQuery').attrs.id, 'urn:ogc:def:query:OGC-WFS::GetFeatureById');
    assert.equal(first(list.root, 'ReturnFeatureType').text, 'test:sites');
    const described = await getXml(app, 'REQUEST=DescribeStoredQueries&STOREDQUERY_ID=urn:ogc:def:query:OGC-WFS::GetFeatureById');
    assertValid(described.text);
    assert.equal(first(described.root, 'Parameter').attrs.name, 'ID');
    const byId = await getXml(app, 'REQUEST=GetFeature&STOREDQUERY_ID=urn:ogc:def:query:OGC-WFS::GetFeatureById&ID=sites.S004');
    assertValid(byId.text, 'types');
    assert.equal(byId.root.name, 'sites');
    assert.equal(byId.root.attrs.id, 'sites.S004');
    const bare = await getXml(app, 'REQUEST=GetFeature&STOREDQUERY_ID=urn:ogc:def:query:OGC-WFS::GetFeatureById&ID=S004');
    assert.equal(bare.root.attrs.id, 'sites.S004');
    const none = await getXml(app, 'REQUEST=GetFeature&STOREDQUERY_ID=urn:ogc:def:query:OGC-WFS::GetFeatureById&ID=sites.NOPE', 404);
    assert.equal(exceptionOf(none.root).code, 'NotFound');
    const post = await request(app).post('/wfs').type('application/xml').send(`<wfs:GetFeature service="WFS" version="2.0.0" xmlns:wfs="http://www.opengis.net/wfs/2.0"><wfs:StoredQuery id="urn:ogc:def:query:OGC-WFS::GetFeatureById"><wfs:Parameter name="ID">sites.S005</wfs:Parameter></wfs:StoredQuery></wfs:GetFeature>`);
    assert.equal(post.status, 200);
    assert.match(post.text, /gml:id="sites\.S005"/);
  });
});

describe('WFS 2.0 errors: ExceptionReport with exceptionCode and locator, never a 500', () => {
  const cases: [string, number, string, string][] = [
    ['', 400, 'MissingParameterValue', 'request'],
    ['REQUEST=Transaction', 400, 'OperationNotSupported', 'request'],
    ['SERVICE=WFS&REQUEST=GetFeature&TYPENAMES=test:sites&VERSION=1.1.0', 400, 'InvalidParameterValue', 'version'],
    ['REQUEST=GetFeature', 400, 'MissingParameterValue', 'typeNames'],
    ['REQUEST=GetFeature&TYPENAMES=test:nope', 400, 'InvalidParameterValue', 'typeNames'],
    ['REQUEST=GetFeature&TYPENAMES=test:sites&BBOX=1,2,3', 400, 'InvalidParameterValue', 'bbox'],
    ['REQUEST=GetFeature&TYPENAMES=test:sites&BBOX=1,2,3,4,EPSG:9999', 400, 'InvalidParameterValue', 'bbox'],
    ['REQUEST=GetFeature&TYPENAMES=test:sites&SRSNAME=EPSG:9999', 400, 'InvalidParameterValue', 'srsName'],
    ['REQUEST=GetFeature&TYPENAMES=test:sites&COUNT=-1', 400, 'InvalidParameterValue', 'count'],
    ['REQUEST=GetFeature&TYPENAMES=test:sites&STARTINDEX=x', 400, 'InvalidParameterValue', 'startIndex'],
    ['REQUEST=GetFeature&TYPENAMES=test:sites&RESULTTYPE=all', 400, 'InvalidParameterValue', 'resultType'],
    ['REQUEST=GetFeature&TYPENAMES=test:sites&OUTPUTFORMAT=text/csv', 400, 'InvalidParameterValue', 'outputFormat'],
    ['REQUEST=GetFeature&TYPENAMES=test:sites&SORTBY=tags ASC', 400, 'InvalidParameterValue', 'sortBy'],
    ['REQUEST=GetFeature&TYPENAMES=test:sites&PROPERTYNAME=nope', 400, 'InvalidParameterValue', 'propertyName'],
    ['REQUEST=GetFeature&TYPENAMES=test:sites&FILTER=%3Cfes:Filter', 400, 'InvalidParameterValue', 'filter'],
    [`REQUEST=GetFeature&TYPENAMES=test:sites&${filterParam(`<fes:PropertyIsEqualTo>${prop('nope')}${lit(1)}</fes:PropertyIsEqualTo>`)}`, 400, 'InvalidParameterValue', 'filter'],
    [`REQUEST=GetFeature&TYPENAMES=test:sites&${filterParam(`<fes:PropertyIsEqualTo>${prop('annee')}${lit('deux')}</fes:PropertyIsEqualTo>`)}`, 400, 'InvalidParameterValue', 'filter'],
    [`REQUEST=GetFeature&TYPENAMES=test:sites&${filterParam(`<fes:PropertyIsEqualTo><fes:Function name="strToUpper">${prop('nom')}</fes:Function>${lit('PARIS')}</fes:PropertyIsEqualTo>`)}`, 400, 'OperationProcessingFailed', 'filter'],
    [`REQUEST=GetFeature&TYPENAMES=test:sites&${filterParam(`<fes:During>${prop('annee')}<gml:TimePeriod gml:id="t"/></fes:During>`)}`, 400, 'OperationProcessingFailed', 'filter'],
    ['REQUEST=GetFeature&STOREDQUERY_ID=urn:x:unknown&ID=1', 400, 'InvalidParameterValue', 'storedQuery_id'],
    ['REQUEST=GetFeature&STOREDQUERY_ID=urn:ogc:def:query:OGC-WFS::GetFeatureById', 400, 'MissingParameterValue', 'id'],
  ];
  for (const [query, status, code, locator] of cases) {
    it(`${query || '(nothing)'} → ${status} ${code} @${locator}`, async () => {
      const res = await request(app).get(!query ? '/wfs' : query.startsWith('SERVICE=') ? `/wfs?${query}` : `${KVP}&${query}`);
      assert.equal(res.status, status, res.text);
      assert.match(res.headers['content-type'], /application\/xml/);
      const { parseXml } = await import('../../server/wfs/xml.js');
      const e = exceptionOf(parseXml(res.text));
      assert.deepEqual([e.code, e.locator], [code, locator], e.text);
      assertValid(res.text, OWS_EXCEPTION_XSD);
    });
  }
  it('a filter nested too deeply is a 400, at any depth', async () => {
    for (const depth of [70, 5000, 50000]) {
      const fes = `<Filter xmlns="http://www.opengis.net/fes/2.0">${'<Not>'.repeat(depth)}<PropertyIsNull><ValueReference>nom</ValueReference></PropertyIsNull>${'</Not>'.repeat(depth)}</Filter>`;
      const res = await request(app).post('/wfs').type('application/xml').send(`<GetFeature xmlns="http://www.opengis.net/wfs/2.0" service="WFS" version="2.0.0"><Query typeNames="test:sites">${fes}</Query></GetFeature>`);
      assert.equal(res.status, 400, `${depth}: ${res.text.slice(0, 300)}`);
      assert.match(res.text, /ExceptionReport/);
    }
  });
  it('a malformed POST body is OperationParsingFailed', async () => {
    const res = await request(app).post('/wfs').type('application/xml').send('<wfs:GetFeature><oops');
    assert.equal(res.status, 400);
    assert.match(res.text, /exceptionCode="OperationParsingFailed"/);
  });
});

describe('WFS 2.0 landing page and robustness', () => {
  it('the landing page (HTML and JSON) tells which URL is WFS and which is OGC API', async () => {
    const html = await request(app).get('/?f=html').set('Accept-Language', 'en');
    assert.match(html.text, /<code>http:\/\/127\.0\.0\.1:\d+\/wfs<\/code> for WFS 2\.0/);
    assert.match(html.text, /<code>http:\/\/127\.0\.0\.1:\d+\/<\/code> in a “WFS \/ OGC API – Features” connection for OGC API/);
    const fr = await request(app).get('/?f=html');
    assert.match(fr.text, /pour le WFS 2\.0/);
    const json = await request(app).get('/').expect(200);
    assert.ok(json.body.links.some((l: { href: string }) => /\/wfs\?SERVICE=WFS&REQUEST=GetCapabilities$/.test(l.href)));
  });

  it('2,000 random requests: never a 500, always an answer', async () => {
    let seed = 7;
    const rnd = () => { seed = (seed * 1103515245 + 12345) % 2 ** 31; return seed / 2 ** 31; };
    const pick = <T>(xs: T[]) => xs[Math.floor(rnd() * xs.length)];
    const names = ['REQUEST', 'TYPENAMES', 'COUNT', 'STARTINDEX', 'BBOX', 'SRSNAME', 'FILTER', 'SORTBY', 'PROPERTYNAME', 'RESOURCEID', 'RESULTTYPE', 'OUTPUTFORMAT', 'VALUEREFERENCE', 'STOREDQUERY_ID', 'ID', 'ACCEPTVERSIONS', 'typename', 'x'];
    const values = ['GetFeature', 'GetPropertyValue', 'DescribeFeatureType', 'GetCapabilities', 'test:sites', 'sites', '', '-1', '0', '5', '99999999999', '1,2,3,4', '48,2,49,3,urn:ogc:def:crs:EPSG::4326', 'a,b,c,d,EPSG:2154', 'urn:ogc:def:crs:EPSG::2154', 'nom DESC', 'volume', 'geometry', 'sites.S001',
      '<fes:Filter', '<Filter><And/></Filter>', '<Filter><PropertyIsLike><ValueReference>nom</ValueReference><Literal>%</Literal></PropertyIsLike></Filter>',
      '<Filter><BBOX><Envelope><lowerCorner>x y</lowerCorner><upperCorner>1</upperCorner></Envelope></BBOX></Filter>', '<Filter><DWithin><Point><pos>48 2</pos></Point><Distance uom="parsec">1</Distance></DWithin></Filter>',
      'hits', 'application/json', '%%%', '<![CDATA[x]]>', '\u0000', 'é'.repeat(300)];
    for (let i = 0; i < 2000; i++) {
      const params = new URLSearchParams({ SERVICE: 'WFS', VERSION: '2.0.0', REQUEST: pick(['GetFeature', 'GetPropertyValue', 'DescribeFeatureType', 'GetCapabilities', 'ListStoredQueries', 'Nope']) });
      for (let k = Math.floor(rnd() * 5); k > 0; k--) params.set(pick(names), pick(values));
      const res = await request(app).get(`/wfs?${params}`);
      assert.ok(res.status < 500, `${params} → ${res.status} ${res.text?.slice(0, 300)}`);
      if (res.status >= 400) assert.match(res.text, /ExceptionReport/, String(params));
    }
  });
});
