// Features without geometry: they take no part in the file's extent, and a bbox query never
// fails on a file without a spatial index (it scans instead).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ColumnType, FlatGeobufWriter } from '../../server/providers/flatgeobuf/writer.js';
import { FlatGeobufProvider } from '../../server/providers/flatgeobuf/provider.js';

const columns = [{ name: 'code', type: ColumnType.String }];

async function ids(provider: FlatGeobufProvider, bbox: { minX: number; minY: number; maxX: number; maxY: number }): Promise<string[]> {
  const out: string[] = [];
  for await (const f of provider.scan(bbox)) out.push(f.id);
  return out.sort();
}

describe('FlatGeobuf files with features lacking geometry', () => {
  it('mixed: the extent covers only the geometries; the index still finds them', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'nogeom-')), 'mixed.fgb');
    const writer = new FlatGeobufWriter(path, { name: 'mixed', geometryType: 'Point', columns, ids: true });
    writer.add({ code: 'A' }, { type: 'Point', coordinates: [5, 45] }, 'A');
    writer.add({ code: 'B' }, null, 'B');
    writer.add({ code: 'C' }, { type: 'Point', coordinates: [6, 46] }, 'C');
    writer.finish();
    const provider = await FlatGeobufProvider.open(path, { idProperties: ['code'] });
    assert.deepEqual((await provider.stats()).extent, { minX: 5, minY: 45, maxX: 6, maxY: 46 });
    assert.deepEqual(await ids(provider, { minX: 4, minY: 44, maxX: 7, maxY: 47 }), ['A', 'C']);
    assert.deepEqual(await ids(provider, { minX: -1, minY: -1, maxX: 1, maxY: 1 }), [], 'the null geometry is not at 0,0');
    await provider.close();
  });

  it('none: no extent, a bbox matches nothing', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'nogeom-')), 'table.fgb');
    const writer = new FlatGeobufWriter(path, { name: 'table', geometryType: null, columns, ids: true });
    for (const code of ['X', 'Y']) writer.add({ code }, null, code);
    writer.finish();
    const provider = await FlatGeobufProvider.open(path, { idProperties: ['code'] });
    assert.equal((await provider.stats()).extent, null);
    assert.deepEqual(await ids(provider, { minX: -180, minY: -90, maxX: 180, maxY: 90 }), []);
    const all: string[] = [];
    for await (const f of provider.scan()) all.push(f.id);
    assert.deepEqual(all.sort(), ['X', 'Y']);
    await provider.close();
  });

  it('a Point file written without index: bbox queries scan', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'nogeom-')), 'noindex.fgb');
    const writer = new FlatGeobufWriter(path, { name: 'noindex', geometryType: 'Point', columns, ids: true, indexNodeSize: 0 });
    writer.add({ code: 'A' }, { type: 'Point', coordinates: [5, 45] }, 'A');
    writer.add({ code: 'C' }, { type: 'Point', coordinates: [6, 46] }, 'C');
    writer.finish();
    const provider = await FlatGeobufProvider.open(path, { idProperties: ['code'] });
    assert.deepEqual(await ids(provider, { minX: 5.5, minY: 45.5, maxX: 7, maxY: 47 }), ['C']);
    await provider.close();
  });
});
