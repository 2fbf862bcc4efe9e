// ingest --from-files: JSON pages, GeoJSON and CSV (with and without BOM) made by code, with
// broken records, an unknown ouvrage, duplicates, a truncated CSV line and a truncated JSON file.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { chroniques, ouvrages, pointsPrelevement } from '../../collections/definitions/index.js';
import { IngestError, ingestFromFiles, type IngestSummary } from '../../collections/ingest/index.js';
import { hydroVolume } from '../../collections/hydro.js';
import { resolveDataDir } from '../../server/catalog.js';
import { readRejects, servedFeatures, tempDir } from './helpers.js';
import { csvText, geojsonText, jsonPage } from './hubeau-files.js';
import { standinData } from './standin.js';

const data = standinData(0.001, 7);
const ouv = data['referentiel/ouvrages'];
const pts = data['referentiel/points_prelevement'];
const chr = data.chroniques;

describe('ingest --from-files', () => {
  const root = tempDir();
  const files = tempDir('prelevements-files-');
  let summary: IngestSummary;
  const half = Math.floor(chr.length / 2);
  const hydro: Record<string, unknown> = { ...chr[3], volume: null, energie_kwh: 1_500_000, hauteur_chute_m: 12, code_mode_obtention_volume: null, libelle_mode_obtention_volume: null };

  before(async () => {
    // Ouvrages: two JSON pages; one code outside its list (kept, flagged), one unknown extra field.
    const badOuvrage = { ...ouv[1], code_precision_coord: 'Z' };
    const extra = { ...ouv[2], champ_nouveau: 'x' };
    writeFileSync(join(files, 'ouvrages-1.json'), jsonPage([ouv[0], badOuvrage, extra, ...ouv.slice(3, 60)], ouv.length));
    writeFileSync(join(files, 'ouvrages-2.json'), jsonPage(ouv.slice(60), ouv.length));
    // Points: CSV with BOM; one point of an unknown ouvrage, one boolean that is not one.
    const orphan = { ...pts[0], code_point_prelevement: 'PTP999999999999999', code_ouvrage: 'OPR9999999999' };
    const badBool = { ...pts[1], nappe_accompagnement: 'peut-être' };
    writeFileSync(join(files, 'points.csv'), csvText([badBool, ...pts.slice(2), orphan, pts[0]], { bom: true, fields: pointsPrelevement.properties.map((p) => p.name) }));
    // Chroniques: CSV (no BOM) then GeoJSON; a duplicate, a bad year, a missing usage,
    // a record giving energy and head instead of a volume, and a CSV cut in its last line.
    const fields = chroniques.properties.map((p) => p.name);
    const csv = csvText([...chr.slice(0, 3), ...chr.slice(4, half), { ...chr[5], annee: 'deux mille' }], { fields });
    writeFileSync(join(files, 'chroniques.csv'), `${csv}${fields.slice(0, 5).map((f) => chr[half][f]).join(';')}`);
    const missingUsage: Record<string, unknown> = { ...chr[half + 1] };
    delete missingUsage.code_usage;
    writeFileSync(join(files, 'chroniques.geojson'), geojsonText([missingUsage, ...chr.slice(half + 2), chr[0], hydro]));
    summary = await ingestFromFiles({ out: root, files: [files] });
  });

  it('prints read, kept and rejected per collection', () => {
    assert.deepEqual({ ...summary.tallies.ouvrages, ignoredFields: undefined },
      { read: ouv.length, kept: ouv.length, rejected: 0, flagged: 1, reasons: {}, flags: { 'code_precision_coord : code hors de la liste': 1 }, ignoredFields: undefined });
    assert.deepEqual(summary.tallies.ouvrages.ignoredFields, { champ_nouveau: 1 });
    const p = summary.tallies.points_prelevement;
    assert.deepEqual([p.read, p.kept, p.rejected], [pts.length + 1, pts.length - 1, 2]);
    const c = summary.tallies.chroniques;
    // read: all but chr[half] (cut) and chr[3] (replaced by hydro) + duplicate + bad year + cut line
    assert.equal(c.read, chr.length + 2);
    assert.equal(c.rejected, 4);
    assert.equal(c.kept, chr.length - 2);
    assert.ok(summary.warnings.some((w) => w.includes('champ_nouveau')));
  });

  it('writes each reject with its file, line or position, field and reason', () => {
    const rejects = readRejects(root);
    assert.equal(rejects.length, 7);
    assert.equal(rejects.filter((r) => !r.kept).length, 6);
    const find = (field: string) => rejects.find((r) => r.field === field)!;
    const flagged = find('code_precision_coord');
    assert.equal(flagged.kept, true, 'a code outside its list is kept and flagged');
    assert.equal(flagged.source, join(files, 'ouvrages-1.json'));
    assert.equal(flagged.index, 1);
    assert.match(flagged.reason, /hors de la liste/);
    const orphan = find('code_ouvrage');
    assert.equal(orphan.collection, 'points_prelevement');
    assert.match(orphan.reason, /ouvrage inconnu/);
    assert.equal(orphan.line, pts.length + 1); // header, badBool, pts[2..], orphan
    assert.equal(find('nappe_accompagnement').line, 2);
    assert.equal(find('annee').source, join(files, 'chroniques.csv'));
    assert.equal(find('annee').line, half + 1);
    const cut = rejects.find((r) => r.field === '(enregistrement)')!;
    assert.equal(cut.line, half + 2);
    assert.match(cut.reason, /colonnes/);
    assert.equal(find('code_usage').index, 0);
    const duplicate = rejects.find((r) => /doublon/.test(r.reason))!;
    assert.equal(duplicate.source, join(files, 'chroniques.geojson'));
    assert.equal(duplicate.field, 'code_ouvrage, annee, code_usage');
  });

  it('serves what was kept: points at their ouvrage, hydro volume from energy and head', async () => {
    const served = await servedFeatures(root, chroniques);
    assert.equal(served.length, chr.length - 2);
    const h = served.find((f) => f.id === `${hydro.code_ouvrage}_${hydro.annee}_${hydro.code_usage}`)!;
    assert.equal(h.properties.volume, Math.round(hydroVolume(1_500_000, 12)));
    assert.equal(h.properties.code_mode_obtention_volume, 'FOR');
    const ouvrageAt = new Map((await servedFeatures(root, ouvrages)).map((f) => [f.id, JSON.stringify(f.geometry)]));
    const points = await servedFeatures(root, pointsPrelevement);
    assert.equal(points.length, pts.length - 1);
    for (const p of points) assert.equal(JSON.stringify(p.geometry), ouvrageAt.get(String(p.properties.code_ouvrage)));
  });

  it('a file that cannot be read stops the run, names it, and leaves the served version', async () => {
    const before = readFileSync(join(root, 'current'), 'utf8');
    const truncated = join(files, 'ouvrages-2.json');
    writeFileSync(truncated, jsonPage(ouv.slice(60)).slice(0, 500));
    await assert.rejects(ingestFromFiles({ out: root, files: [files] }), (e: Error) => e instanceof IngestError && e.message.includes(truncated));
    assert.equal(readFileSync(join(root, 'current'), 'utf8'), before);
    assert.equal(readdirSync(join(root, 'versions')).length, 1);
    assert.ok(existsSync(resolveDataDir(root)));
  });

  it('a file from no known endpoint is refused by name', async () => {
    const other = join(tempDir('prelevements-other-'), 'autre.csv');
    writeFileSync(other, 'a;b;c\n1;2;3\n');
    await assert.rejects(ingestFromFiles({ out: tempDir(), files: [other] }), (e: Error) => e instanceof IngestError && e.message.includes(other));
  });
});
