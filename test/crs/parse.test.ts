import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CRS84,
  CrsError,
  SUPPORTED_CRS_URIS,
  contentCrsHeader,
  isCrs84,
  parseCrs,
} from '../../server/crs/index.js';

const CRS84_URI = 'http://www.opengis.net/def/crs/OGC/1.3/CRS84';
const epsg = (code: number): string => `http://www.opengis.net/def/crs/EPSG/0/${code}`;

test('SUPPORTED_CRS_URIS lists the canonical URIs, CRS84 first', () => {
  assert.deepEqual(SUPPORTED_CRS_URIS, [
    CRS84_URI,
    epsg(4326),
    epsg(2154),
    epsg(3857),
    epsg(5490),
    epsg(2972),
    epsg(2975),
    epsg(4471),
  ]);
});

test('every canonical URI parses to itself', () => {
  for (const uri of SUPPORTED_CRS_URIS) assert.equal(parseCrs(uri).uri, uri);
});

test('CRS84 constant, isCrs84 and Content-Crs header', () => {
  assert.equal(CRS84.uri, CRS84_URI);
  assert.equal(CRS84.axisOrder, 'xy');
  assert.ok(isCrs84(parseCrs('OGC:CRS84')));
  assert.ok(!isCrs84(parseCrs('EPSG:4326')));
  assert.equal(contentCrsHeader(CRS84), `<${CRS84_URI}>`);
  assert.equal(contentCrsHeader(parseCrs('EPSG:2154')), `<${epsg(2154)}>`);
});

test('accepted spellings of the same CRS', () => {
  const forms: [string, string][] = [
    ['http://www.opengis.net/def/crs/EPSG/9.6.2/3857', epsg(3857)], // what QGIS sends
    ['http://www.opengis.net/def/crs/EPSG/10.0/2154', epsg(2154)],
    ['https://www.opengis.net/def/crs/EPSG/0/2154', epsg(2154)],
    ['EPSG:2154', epsg(2154)],
    ['epsg:2154', epsg(2154)],
    ['[EPSG:2975]', epsg(2975)],
    ['urn:ogc:def:crs:EPSG::4471', epsg(4471)],
    ['urn:ogc:def:crs:EPSG:9.6.2:5490', epsg(5490)],
    ['  EPSG:2972 ', epsg(2972)],
    ['OGC:CRS84', CRS84_URI],
    ['[OGC:CRS84]', CRS84_URI],
    ['urn:ogc:def:crs:OGC:1.3:CRS84', CRS84_URI],
    ['urn:ogc:def:crs:OGC::CRS84', CRS84_URI],
    ['http://www.opengis.net/def/crs/OGC/0/CRS84', CRS84_URI],
    ['EPSG:4326', epsg(4326)],
  ];
  for (const [value, uri] of forms) assert.equal(parseCrs(value).uri, uri, value);
});

test('EPSG:4326 is lat,lon and distinct from CRS84', () => {
  const c = parseCrs('EPSG:4326');
  assert.equal(c.axisOrder, 'yx');
  assert.notEqual(c.id, CRS84.id);
});

test('unsupported or malformed values throw CrsError naming the value and the supported URIs', () => {
  const bad = [
    'EPSG:9999',
    'EPSG:27572',
    'http://www.opengis.net/def/crs/EPSG/0/32631',
    'http://www.opengis.net/def/crs/OGC/1.3/CRS84h',
    'http://www.opengis.net/def/crs/EPSG/0/2154/extra',
    'http://example.org/def/crs/EPSG/0/2154',
    '[EPSG:2154',
    'EPSG::2154',
    'CRS84',
    '2154',
    'foo',
    '',
  ];
  for (const value of bad) {
    assert.throws(
      () => parseCrs(value),
      (e: unknown) => {
        assert.ok(e instanceof CrsError, value);
        assert.ok(e.message.includes(`'${value}'`), e.message);
        for (const uri of SUPPORTED_CRS_URIS) assert.ok(e.message.includes(uri), uri);
        return true;
      },
    );
  }
});

test('definitions are consistent', () => {
  for (const uri of SUPPORTED_CRS_URIS) {
    const c = parseCrs(uri);
    const a = c.areaOfUse;
    assert.ok(a.minX < a.maxX && a.minY < a.maxY, uri);
    assert.equal(c.decimals, c.units === 'degree' ? 7 : 2, uri);
    if (c.epsg !== null) assert.equal(parseCrs(`EPSG:${c.epsg}`), c);
  }
});
