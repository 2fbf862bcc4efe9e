// Real WFS clients against the real CLI over the small default dataset: GDAL's WFS driver, QGIS
// 3.22's WFS provider (version 2.0.0), OWSLib. Counts are the OGC API's numberMatched for the same
// query. Each client skips with a message when it is not installed.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createServer, request as httpRequest, type Server } from 'node:http';
import { chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collections } from '../../collections/definitions/index.js';
import { hasCommand, smallDataset, startServer, type Running } from '../e2e/server.js';

const PYTHON = '/usr/bin/python3';
const py = (module: string) => spawnSync(PYTHON, ['-c', `import ${module}`], { encoding: 'utf8' }).status === 0;
const skipGdal = hasCommand('ogrinfo') ? false : 'ogrinfo (GDAL) is not installed';
const skipQgis = py('qgis.core') ? false : 'python3-qgis (Debian) is not installed';
const skipOwslib = py('owslib.wfs') ? false : 'python3-owslib (Debian) is not installed';

const IDS = collections.map((c) => c.id);
const SPATIAL = collections.filter((c) => c.geometryType).map((c) => c.id);
const BBOX = [2.2, 48.7, 2.5, 49.0];

let server: Running;

async function matched(path: string): Promise<number> {
  const response = await fetch(`${server.base}${path}`, { headers: { accept: 'application/geo+json' } });
  assert.equal(response.status, 200, path);
  return ((await response.json()) as { numberMatched: number }).numberMatched;
}

/** A CQL2 equality on the first string property the collection's first feature has a value for. */
async function whereOf(id: string): Promise<{ property: string; value: string }> {
  const body = await (await fetch(`${server.base}/collections/${id}/items?limit=1`)).json() as { features: { properties: Record<string, unknown> }[] };
  const definition = collections.find((c) => c.id === id)!;
  const p = definition.properties.find((d) => d.type === 'string' && typeof body.features[0].properties[d.name] === 'string' && !/'/.test(body.features[0].properties[d.name] as string) && d.name.startsWith('code'))
    ?? definition.properties.find((d) => d.type === 'string' && typeof body.features[0].properties[d.name] === 'string')!;
  return { property: p.name, value: body.features[0].properties[p.name] as string };
}

/** The outline of [minx, miny, maxx, maxy], 64 points per side, as WKT coordinates. */
function densified([x0, y0, x1, y1]: number[]): string {
  const corners = [[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]];
  const points: number[][] = [];
  for (let i = 0; i < 4; i++) for (let k = 0; k < 64; k++) points.push([0, 1].map((a) => corners[i][a] + ((corners[i + 1][a] - corners[i][a]) * k) / 64));
  points.push(corners[0]);
  return points.map((p) => `${p[0]} ${p[1]}`).join(',');
}

const filterQuery = (cql2: string) => `filter=${encodeURIComponent(cql2)}&limit=1`;

before(async () => { server = await startServer(smallDataset()); });
after(() => server?.stop());

function ogrinfo(args: string[], env: Record<string, string> = {}): string {
  const r = spawnSync('ogrinfo', ['-ro', ...args], { encoding: 'utf8', timeout: 300_000, maxBuffer: 512 * 1024 * 1024, env: { ...process.env, ...env } });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}
const featureCount = (out: string) => Number(/Feature Count: (\d+)/.exec(out)?.[1]);

describe('GDAL WFS driver (WFS:…/wfs)', { skip: skipGdal, timeout: 600_000 }, () => {
  it('lists every collection', () => {
    const out = ogrinfo([`WFS:${server.base}/wfs`]);
    for (const id of IDS) assert.match(out, new RegExp(`: bnpe:${id} `), id);
  });

  for (const id of IDS) {
    it(`${id}: exact counts, -spat and -where`, async () => {
      const url = `WFS:${server.base}/wfs`;
      assert.equal(featureCount(ogrinfo(['-so', url, `bnpe:${id}`])), await matched(`/collections/${id}/items?limit=1`), 'count');
      if (SPATIAL.includes(id)) {
        assert.equal(featureCount(ogrinfo(['-so', '-spat', ...BBOX.map(String), url, `bnpe:${id}`])), await matched(`/collections/${id}/items?bbox=${BBOX}&limit=1`), '-spat');
      }
      const { property, value } = await whereOf(id);
      const where = `${property} = '${value}'`;
      assert.equal(featureCount(ogrinfo(['-so', '-where', where, url, `bnpe:${id}`])), await matched(`/collections/${id}/items?${filterQuery(where)}`), where);
    });
  }

  it('pages through a whole collection (pages of 1,000) without losing or repeating a feature', async () => {
    const out = ogrinfo(['-al', '-q', `WFS:${server.base}/wfs`, 'bnpe:chroniques'], { OGR_WFS_PAGING_ALLOWED: 'ON', OGR_WFS_PAGE_SIZE: '1000' });
    const ids = [...out.matchAll(/^\s+code_ouvrage \(String\) = (\S+)\n(?:.*\n)*?\s+annee \(Integer(?:64)?\) = (\d+)\n(?:.*\n)*?\s+code_usage \(String\) = (\S+)/gm)].map((m) => `${m[1]}_${m[2]}_${m[3]}`);
    const total = await matched('/collections/chroniques/items?limit=1');
    assert.ok(total > 3000, 'several pages');
    assert.equal((out.match(/^OGRFeature/gm) ?? []).length, total);
    assert.equal(new Set(ids).size, total);
  });
});

const QGIS_SCRIPT = `
import json, os, sys
from qgis.core import QgsApplication, QgsVectorLayer, QgsRectangle, QgsFeatureRequest, QgsCoordinateReferenceSystem, QgsCoordinateTransform, QgsProject
app = QgsApplication([], False); app.initQgis()
base, ids, subsets = sys.argv[1], sys.argv[2].split(','), json.loads(sys.argv[3])
wgs = QgsRectangle(${BBOX.join(', ')})
out = {}
for srs in ['EPSG:4326', 'EPSG:2154']:
    rect = wgs if srs == 'EPSG:4326' else QgsCoordinateTransform(QgsCoordinateReferenceSystem('EPSG:4326'), QgsCoordinateReferenceSystem(srs), QgsProject.instance()).transformBoundingBox(wgs)
    res = {'rect': [rect.xMinimum(), rect.yMinimum(), rect.xMaximum(), rect.yMaximum()]}
    for c in ids:
        uri = f"url='{base}/wfs' typename='bnpe:{c}' version='2.0.0' srsname='{srs}'"
        layer = QgsVectorLayer(uri, c, 'WFS')
        if not layer.isValid():
            res[c] = {'valid': False}; continue
        r = {'valid': True, 'featureCount': layer.featureCount(), 'iterated': sum(1 for _ in layer.getFeatures())}
        if layer.isSpatial():
            r['bbox'] = sum(1 for _ in layer.getFeatures(QgsFeatureRequest().setFilterRect(rect)))
            rb = QgsVectorLayer(uri + " restrictToRequestBBOX='1'", c, 'WFS')
            r['restricted'] = sum(1 for _ in rb.getFeatures(QgsFeatureRequest().setFilterRect(rect)))
        if c in subsets:
            sub = QgsVectorLayer(uri, c, 'WFS')
            sub.setSubsetString(subsets[c])
            r['subset'] = [sub.featureCount(), sum(1 for _ in sub.getFeatures())]
        res[c] = r
    out[srs] = res
print(json.dumps(out))
sys.stdout.flush()
os._exit(0)  # exitQgis() segfaults in headless scripts (QGIS 3.22)
`;

/** spawn, awaited: the test's own event loop keeps running (the recording proxy lives in it). */
function run(command: string, args: string[], options: { env?: NodeJS.ProcessEnv; timeout: number }): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeout);
    child.on('close', (status) => { clearTimeout(timer); resolve({ status, stdout, stderr }); });
  });
}

/** A loopback proxy recording the query strings QGIS sends (to see its subset string as FES). */
function recordingProxy(target: string): Promise<{ base: string; urls: string[]; server: Server }> {
  const urls: string[] = [];
  const { hostname, port } = new URL(target);
  const proxy = createServer((req, res) => {
    urls.push(req.url ?? '');
    const upstream = httpRequest({ hostname, port, path: req.url, method: req.method, headers: req.headers }, (r) => { res.writeHead(r.statusCode ?? 502, r.headers); r.pipe(res); });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  return new Promise((resolve) => proxy.listen(0, '127.0.0.1', () => {
    const address = proxy.address();
    resolve({ base: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`, urls, server: proxy });
  }));
}

describe('QGIS 3.22 WFS provider (version 2.0.0)', { skip: skipQgis, timeout: 900_000 }, () => {
  it('reads every collection in EPSG:4326 and EPSG:2154: counts, bbox, restrictToRequestBBOX, subset string as FES', async () => {
    const subsets: Record<string, string> = {};
    for (const id of ['ouvrages', 'chroniques', 'volumes_departements']) {
      const { property, value } = await whereOf(id);
      subsets[id] = `"${property}" = '${value}'`;
    }
    subsets.chroniques = `"code_usage" = 'IRR' AND "annee" >= 2020`;
    const proxy = await recordingProxy(server.base);
    const xdg = mkdtempSync(join(tmpdir(), 'qgis-xdg-'));
    chmodSync(xdg, 0o700);
    const result = await run(PYTHON, ['-c', QGIS_SCRIPT, proxy.base, IDS.join(','), JSON.stringify(subsets)], {
      timeout: 800_000, env: { ...process.env, QT_QPA_PLATFORM: 'offscreen', XDG_RUNTIME_DIR: xdg, HOME: xdg },
    });
    proxy.server.close();
    assert.equal(result.status, 0, result.stderr);
    const out = JSON.parse(result.stdout.trim().split('\n').pop()!);
    // The subset strings went to the server as FES filters (not filtered by QGIS after download).
    const filters = proxy.urls.map((u) => new URLSearchParams(u.split('?')[1] ?? '')).map((q) => [...q].find(([k]) => k.toUpperCase() === 'FILTER')?.[1]).filter((f): f is string => !!f);
    assert.ok(filters.some((f) => /PropertyIsEqualTo/.test(f) && /code_usage/.test(f) && /PropertyIsGreaterThanOrEqualTo/.test(f)), filters.join('\n').slice(0, 2000));
    for (const srs of ['EPSG:4326', 'EPSG:2154']) {
      const rect = out[srs].rect as number[];
      // In Lambert-93 the rectangle is not one in CRS84: the OGC API's bbox-crs takes its envelope,
      // QGIS and the WFS the rectangle itself, expressed here as a densified polygon in filter-crs.
      const bboxQuery = srs === 'EPSG:4326' ? `bbox=${BBOX}` : `${filterQuery(`S_INTERSECTS(geometry, POLYGON((${densified(rect)})))`).replace('&limit=1', '')}&filter-crs=${encodeURIComponent('http://www.opengis.net/def/crs/EPSG/0/2154')}`;
      for (const id of IDS) {
        const r = out[srs][id];
        const total = await matched(`/collections/${id}/items?limit=1`);
        assert.equal(r.valid, true, `${srs} ${id}`);
        assert.equal(r.featureCount, total, `${srs} ${id} featureCount`);
        assert.equal(r.iterated, total, `${srs} ${id} iterated`);
        if (SPATIAL.includes(id)) {
          const inBox = await matched(`/collections/${id}/items?${bboxQuery}&limit=1`);
          assert.equal(r.bbox, inBox, `${srs} ${id} bbox`);
          assert.equal(r.restricted, inBox, `${srs} ${id} restrictToRequestBBOX`);
        }
        if (subsets[id]) {
          const cql2 = subsets[id].replace(/"/g, '');
          const expected = await matched(`/collections/${id}/items?${filterQuery(cql2)}`);
          assert.deepEqual(r.subset, [expected, expected], `${srs} ${id} subset ${cql2}`);
        }
      }
    }
  });
});

describe('OWSLib WFS 2.0', { skip: skipOwslib, timeout: 120_000 }, () => {
  it('reads the capabilities and one collection', async () => {
    const script = `
import json, sys
from owslib.wfs import WebFeatureService
from owslib.fes2 import PropertyIsEqualTo
from owslib.etree import etree
wfs = WebFeatureService(sys.argv[1] + '/wfs', version='2.0.0')
layer = wfs.contents['bnpe:ouvrages']
gml = wfs.getfeature(typename=['bnpe:ouvrages'], maxfeatures=25).read()
root = etree.fromstring(gml)
members = root.findall('{http://www.opengis.net/wfs/2.0}member')
print(json.dumps({'types': sorted(wfs.contents), 'title': wfs.identification.title, 'crs': [str(c) for c in layer.crsOptions],
  'bbox': list(layer.boundingBoxWGS84), 'members': len(members), 'matched': root.get('numberMatched'),
  'operations': [op.name for op in wfs.operations]}))
`;
    const r = spawnSync(PYTHON, ['-c', script, server.base], { encoding: 'utf8', timeout: 100_000 });
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout.trim().split('\n').pop()!);
    assert.deepEqual(out.types, IDS.map((id) => `bnpe:${id}`).sort());
    assert.ok(out.crs.some((c: string) => /4326/.test(c)) && out.crs.some((c: string) => /2154/.test(c)), out.crs.join());
    assert.equal(out.members, 25);
    assert.equal(Number(out.matched), await matched('/collections/ouvrages/items?limit=1'));
    for (const op of ['GetCapabilities', 'DescribeFeatureType', 'GetFeature', 'GetPropertyValue', 'ListStoredQueries', 'DescribeStoredQueries']) assert.ok(out.operations.includes(op), op);
  });
});
