import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  MVT_MEDIA_TYPE,
  TILES_CONFORMANCE,
  tileJson,
  tileMatrixSetsList,
  tilesetDocument,
  tilesetsList,
  TILING_SCHEME_REL,
  type TileLayerInfo,
} from '../../server/tiles/index.js';

const BASE = 'https://example.org/ogc/';
const FRANCE = { minX: -5.2, minY: 41.3, maxX: 9.6, maxY: 51.1 };
const LAYER: TileLayerInfo = {
  id: 'ouvrages',
  title: 'Ouvrages de prélèvement',
  geometryType: 'Point',
  sumProperty: 'volume',
  properties: [
    { name: 'nom', type: 'string', title: 'Nom' },
    { name: 'volume', type: 'number', title: 'Volume (m³)' },
    { name: 'annee', type: 'integer', title: 'Année' },
    { name: 'date_fin', type: 'date', title: 'Fin' },
    { name: 'usages', type: 'array', items: 'string', title: 'Usages' },
    { name: 'statut', type: 'string', title: 'Statut', enum: { A: 'Actif', F: 'Fermé' } },
  ],
};

test('conformance classes', () => {
  const conf = 'http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/';
  assert.deepEqual(
    TILES_CONFORMANCE,
    ['core', 'tileset', 'tilesets-list', 'geodata-tilesets', 'dataset-tilesets', 'mvt'].map((c) => conf + c),
  );
});

test('tilesets lists (dataset and collection)', () => {
  const dataset = tilesetsList(BASE);
  assert.equal(dataset.links[0].href, 'https://example.org/ogc/tiles');
  assert.deepEqual(dataset.tilesets.map((t) => t.tileMatrixSetURI), [
    'http://www.opengis.net/def/tilematrixset/OGC/1.0/WebMercatorQuad',
    'http://www.opengis.net/def/tilematrixset/OGC/1.0/WorldCRS84Quad',
  ]);
  const list = tilesetsList(BASE, 'ouvrages', 'Ouvrages');
  const [wm] = list.tilesets;
  assert.equal(wm.dataType, 'vector');
  assert.equal(wm.crs, 'http://www.opengis.net/def/crs/EPSG/0/3857');
  assert.deepEqual(wm.links.map((l) => [l.rel, l.href]), [
    ['self', 'https://example.org/ogc/collections/ouvrages/tiles/WebMercatorQuad'],
    [TILING_SCHEME_REL, 'https://example.org/ogc/tileMatrixSets/WebMercatorQuad'],
  ]);
  assert.deepEqual(tileMatrixSetsList(BASE).tileMatrixSets.map((t) => t.id), ['WebMercatorQuad', 'WorldCRS84Quad']);
});

test('tileset document', () => {
  const doc = tilesetDocument(BASE, 'WebMercatorQuad', 'ouvrages', [LAYER], FRANCE, 0, 14);
  assert.equal(doc.title, 'Ouvrages de prélèvement');
  assert.equal(doc.dataType, 'vector');
  assert.equal(doc.tileMatrixSetURI, 'http://www.opengis.net/def/tilematrixset/OGC/1.0/WebMercatorQuad');
  assert.equal(doc.tileMatrixSetLimits?.length, 15);
  assert.deepEqual(doc.tileMatrixSetLimits?.[5], { tileMatrix: '5', minTileRow: 10, maxTileRow: 11, minTileCol: 15, maxTileCol: 16 });
  const rels = Object.fromEntries(doc.links.map((l) => [l.rel, l]));
  assert.equal(rels.self.href, 'https://example.org/ogc/collections/ouvrages/tiles/WebMercatorQuad');
  assert.equal(rels[TILING_SCHEME_REL].href, 'https://example.org/ogc/tileMatrixSets/WebMercatorQuad');
  assert.equal(rels.item.href, 'https://example.org/ogc/collections/ouvrages/tiles/WebMercatorQuad/{tileMatrix}/{tileRow}/{tileCol}');
  assert.equal(rels.item.type, MVT_MEDIA_TYPE);
  assert.equal(rels.item.templated, true);
  const [layer] = doc.layers;
  assert.equal(layer.geometryType, 'points');
  assert.equal(layer.maxTileMatrix, '14');
  const props = layer.propertiesSchema.properties as Record<string, Record<string, unknown>>;
  assert.deepEqual(props.date_fin, { title: 'Fin', type: 'string', format: 'date' });
  assert.deepEqual(props.statut.enum, ['A', 'F']);
  assert.equal(props.usages.type, 'string');
  assert.equal(props.point_count.type, 'integer');
  assert.equal(props.volume_sum.type, 'number');

  const geo = tilesetDocument(BASE, 'WorldCRS84Quad', null, [LAYER], null, 0, 12);
  assert.equal(geo.crs, 'http://www.opengis.net/def/crs/OGC/1.3/CRS84');
  assert.equal(geo.tileMatrixSetLimits, undefined);
  assert.equal(geo.links.find((l) => l.rel === 'item')?.href, 'https://example.org/ogc/tiles/WorldCRS84Quad/{tileMatrix}/{tileRow}/{tileCol}');
});

test('TileJSON 3.0.0', () => {
  const tj = tileJson(BASE, 'ouvrages', [LAYER], FRANCE, 0, 14, { attribution: 'BNPE' });
  assert.equal(tj.tilejson, '3.0.0');
  assert.deepEqual(tj.tiles, ['https://example.org/ogc/collections/ouvrages/tiles/WebMercatorQuad/{z}/{y}/{x}']);
  assert.deepEqual(tj.bounds, [-5.2, 41.3, 9.6, 51.1]);
  assert.equal(tj.minzoom, 0);
  assert.equal(tj.maxzoom, 14);
  assert.equal(tj.attribution, 'BNPE');
  assert.deepEqual(tj.vector_layers[0].fields, {
    id: 'String',
    nom: 'String',
    volume: 'Number',
    annee: 'Number',
    date_fin: 'String',
    usages: 'String',
    statut: 'String',
    cluster: 'Boolean',
    point_count: 'Number',
    volume_sum: 'Number',
  });
  assert.deepEqual(tileJson(BASE, null, [LAYER], null, 0, 5).bounds, [-180, -85.0511287798066, 180, 85.0511287798066]);
});
