// Features sent to the tile workers as columns (packFeatures / unpackFeatures): what arrives is what was sent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deserialize, serialize } from 'node:v8';
import { packFeatures, unpackFeatures, type PackedFeatures } from '../../server/tiles/pool.js';
import type { Feature } from '../../server/types.js';

test('packed slices unpack to the same features; shared outlines stay one object, across slices too', () => {
  const outline = { type: 'Polygon' as const, coordinates: [[[0, 0], [1, 0], [1, 1], [0, 0]]] };
  const features: Feature[] = [
    { id: 'a.2022', index: 0, geometry: outline, properties: { annee: 2022, nom: 'A', note: null } },
    { id: 'a.2023', index: 1, geometry: outline, properties: { annee: 2023, nom: 'A', extra: [1, 2] } },
    { id: 'b', index: 2, geometry: null, properties: { nom: 'B' } },
    { id: 'p7', index: 3, geometry: { type: 'Point', coordinates: [2, 48] }, properties: {} },
    { id: 'c.2023', index: 4, geometry: outline, properties: { annee: 2023 } },
    { id: 'c.2024', index: 5, geometry: outline, properties: { annee: 2024 } },
  ];
  // A feature whose properties are computed by a getter (structured clone would drop it).
  const computed = { id: 'd', index: 6, geometry: outline } as Feature;
  Object.defineProperty(computed, 'properties', { get: () => ({ nom: 'D' }), enumerable: false });
  features.push(computed);

  const slices = [features.slice(0, 5), features.slice(5)];
  const received: Feature[] = [];
  slices.forEach((slice, s) => {
    const before = s > 0 ? slices[s - 1][slices[s - 1].length - 1] : undefined;
    const packed = deserialize(serialize(packFeatures(slice, before))) as PackedFeatures;
    for (const f of unpackFeatures(packed, received[received.length - 1])) received.push(f);
  });
  assert.deepEqual(received, features.map((f) => ({ id: f.id, index: f.index, geometry: f.geometry, properties: Object.fromEntries(Object.entries(f.properties).filter(([, v]) => v !== undefined)) })));
  assert.equal(received[0].geometry, received[1].geometry, 'consecutive rows share their outline');
  assert.equal(received[4].geometry, received[5].geometry, 'across the border between slices too');
  assert.equal(received[5].geometry, received[6].geometry);
  assert.deepEqual(received[0].properties, { annee: 2022, nom: 'A', note: null }, 'null kept, absent stays absent');
  assert.ok(!('annee' in received[2].properties));
});
