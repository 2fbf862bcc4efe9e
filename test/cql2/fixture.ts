// Five features whose values are chosen so that each example of the corpus
// has a known, hand-checked set of matches. f4 has almost nothing (NULLs).
import type { Feature, PropertyType } from '../../server/types.js';
import type { CompileContext } from '../../server/cql2/index.js';

const TYPES: Record<string, PropertyType> = {
  name: 'string', owner: 'string', city: 'string', cityName: 'string', material: 'string',
  floors: 'integer', swimming_pool: 'boolean', taxes: 'number', depth: 'number', value: 'number',
  foo: 'number', bar: 'number', x: 'number', vehicle_height: 'number', bridge_clearance: 'number',
  category: 'integer', road_class: 'string', etat_vol: 'string', 'eo:cloud_cover': 'number',
  'landsat:wrs_row': 'integer', 'landsat:wrs_path': 'integer', 'eo:instrument': 'string',
  'landsat:scene_id': 'string', 'geophys:SURVEY_NAME': 'string', built: 'date', updated: 'date',
  updated_at: 'date', starts_at: 'date', ends_at: 'date', event_time: 'date', touchdown: 'date',
  liftOff: 'date', 'layer:ids': 'array', values: 'array', id: 'string', annee: 'integer',
};

export const ctx: CompileContext = {
  properties: new Map(Object.entries(TYPES).map(([k, type]) => [k, { type }])),
};

function feature(id: string, geometry: Feature['geometry'], properties: Record<string, unknown>): Feature {
  return { id, index: Number(id.slice(1)), geometry, properties };
}

export const features: Feature[] = [
  feature('f1', { type: 'Point', coordinates: [36.319836, 32.288087] }, {
    name: 'Smithers', owner: 'Mike Jones', city: 'Toronto', cityName: 'Toronto', material: 'brick',
    floors: 7, swimming_pool: true, taxes: 400, depth: 120.5, value: 5, foo: 3, bar: 12.2468, x: 2,
    vehicle_height: 4.5, bridge_clearance: 5, category: 1, road_class: 'STRASSE', etat_vol: 'debarquer',
    'eo:cloud_cover': 0.1, 'landsat:wrs_row': 28, 'landsat:wrs_path': 203, 'eo:instrument': 'OLI_TIRS',
    'landsat:scene_id': 'LC82030282019133LGN00', 'geophys:SURVEY_NAME': 'Calcutta-North',
    built: '2012-06-05', updated: '2021-03-01T10:00:00Z', updated_at: '2010-02-10T05:30:00Z',
    starts_at: '2005-01-10T00:00:00Z', ends_at: '2010-02-10T00:00:00Z', event_time: '1969-07-20T20:17:40Z',
    touchdown: '1969-07-20T20:17:40Z', liftOff: '1969-07-21T17:54:00Z',
    'layer:ids': ['layers-ca', 'layers-us', 'layers-mx'], values: ['a', 'b'],
    id: 'fa7e1920-9107-422d-a3db-c468cbc5d6df', annee: 2020,
  }),
  feature('f2', { type: 'Polygon', coordinates: [[[-5, -5], [5, -5], [5, 5], [-5, 5], [-5, -5]]] }, {
    name: 'foobar', owner: 'mike smith', city: 'Frankfurt', cityName: 'Frankfurt', material: 'concrete',
    floors: 3, swimming_pool: true, taxes: 800, depth: 150, value: 15, foo: -4, bar: 0, x: 0,
    vehicle_height: 6, bridge_clearance: 5, category: 5, road_class: 'ΟΔΟΣ', etat_vol: 'débarquer',
    'eo:cloud_cover': 0.2, 'landsat:wrs_row': 28, 'landsat:wrs_path': 203, 'eo:instrument': 'OLI',
    'landsat:scene_id': 'LC80000000000000LGN00', 'geophys:SURVEY_NAME': 'Madras',
    built: '2016-01-01', updated: '1969-12-31T23:59:59Z', updated_at: '2012-08-10T05:30:00Z',
    starts_at: '2010-02-10T00:00:00Z', ends_at: '2012-01-01T00:00:00Z', event_time: '1969-07-24T16:50:35Z',
    touchdown: '1969-07-16T13:31:00Z', liftOff: '1969-07-20T00:00:00Z',
    // Arrays as FlatGeobuf stores them: JSON text.
    'layer:ids': '["layers-ca"]', values: '["a","b","c"]', id: 'other', annee: 2021,
  }),
  feature('f3', { type: 'LineString', coordinates: [[-117.95, 33.9], [-117.92, 33.95]] }, {
    name: 'Bar', owner: 'Joe Jones', city: 'Tokyo', cityName: 'Paris', material: 'redbrick',
    floors: 4, swimming_pool: false, taxes: 500, depth: 99.9, value: 10, foo: -5, bar: 6.1234, x: 1,
    vehicle_height: 3, bridge_clearance: 5, category: 3, road_class: 'Road', etat_vol: 'Debarquer',
    'eo:cloud_cover': 0.15, 'landsat:wrs_row': 27, 'landsat:wrs_path': 203, 'eo:instrument': 'TM',
    'landsat:scene_id': 'LT50000000000000XXX00', 'geophys:SURVEY_NAME': 'CALCUTTA 1987',
    built: '2015-01-01', updated: '1970-01-01T00:00:00Z', updated_at: '1851-04-29',
    starts_at: '1991-10-07T08:21:06.393262Z', ends_at: '2010-02-10T05:29:20.073225Z',
    event_time: null, touchdown: null, liftOff: null,
    'layer:ids': [], values: ['a', true, 1, 8], id: 'x3', annee: 2019,
  }),
  feature('f4', null, { name: 'foo%bar', owner: 'Beyonce' }),
  feature('f5', { type: 'MultiPoint', coordinates: [[100, 10], [101, 11]] }, {
    name: 'zed', owner: 'SOMEBODY ELSE', material: 'brick', floors: 10, swimming_pool: false, value: 25,
    foo: 12.5, built: '2011-01-01', starts_at: '2020-01-01T00:00:00Z', ends_at: null, values: ['2010-02-10'],
    annee: 2021,
  }),
];
