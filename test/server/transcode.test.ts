// The bytes → GeoJSON fast path must write exactly what decoding + featureJson writes.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildCollections } from '../../collections/build.js';
import { FlatGeobufProvider } from '../../server/providers/flatgeobuf/provider.js';
import { featureJson, plainShaper } from '../../server/formats/geojson.js';
import { fixtureDefinition, fixtureRecords } from '../fixtures.js';

const TRICKY = ['Saint-Étienne', 'L\'Haÿ-les-Roses', 'quote " and \\ backslash', 'tab\tnew\nline', '\u2028sep', 'emoji 💧', '', 'x'.repeat(200)];

describe('GeoJSON transcoder', () => {
  it('writes the same text as the decoding path for every feature', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'transcode-'));
    const records = fixtureRecords().map(({ lon, lat, ...p }, i) => ({
      properties: { ...p, nom: TRICKY[i % TRICKY.length], volume: i % 4 === 0 ? null : i % 4 === 1 ? 1e6 : i * 0.125, tags: i % 5 === 0 ? null : p.tags },
      lon, lat,
    }));
    await buildCollections(dir, [{ definition: fixtureDefinition, records }]);
    const provider = await FlatGeobufProvider.open(join(dir, 'sites.fgb'), { idProperties: ['code'], jsonColumns: ['tags'] });
    const numbers = new Set(['volume']);
    const result = await provider.query({ offset: 0, limit: 100, count: false });
    let n = 0;
    for await (const feature of result.features) {
      const fast = feature.json?.();
      assert.ok(fast, 'page features offer json()');
      assert.equal(fast, featureJson(plainShaper(feature), numbers), feature.id);
      assert.deepEqual(JSON.parse(fast!), JSON.parse(JSON.stringify(plainShaper(feature))));
      n++;
    }
    assert.equal(n, records.length);
    await provider.close();
  });
});
