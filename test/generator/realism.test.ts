import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import {
  ESTIMATED_MODES, MEASURED_MODES, USAGES, producteurOfDepartement,
} from '../../collections/codelists.js';
import { communeByCode } from '../../collections/generator/index.js';
import { CANAL_SITES, COOLING_SITES, HYDRO_SITES, PORT_COMMUNES } from '../../collections/generator/sites.js';
import { materialise, str, type Materialised } from './helpers.js';

const usageOfOuvrage = (m: Materialised): Map<string, string> => {
  const out = new Map<string, string>();
  for (const c of m.chroniques) if (!out.has(str(c, 'code_ouvrage'))) out.set(str(c, 'code_ouvrage'), str(c, 'code_usage'));
  return out;
};

describe('synthetic BNPE realism (scale 0.02)', () => {
  let m: Materialised;
  before(() => {
    m = materialise(0.02);
  });

  it('places drinking-water ouvrages at their commune centroid with precision 5', () => {
    const usage = usageOfOuvrage(m);
    let n = 0;
    for (const o of m.ouvrages) {
      if (usage.get(str(o, 'code_ouvrage')) !== USAGES.eauPotable.code) continue;
      const c = communeByCode(str(o, 'code_commune_insee'))!;
      assert.equal(str(o, 'code_precision_coord'), '5');
      assert.equal(o.lon, c.lon);
      assert.equal(o.lat, c.lat);
      n++;
    }
    assert.ok(n > 500, `only ${n} AEP ouvrages`);
  });

  it('uses real communes, their départements and the agency of the département', () => {
    for (const o of m.ouvrages) {
      const c = communeByCode(str(o, 'code_commune_insee'));
      assert.ok(c, `unknown commune ${str(o, 'code_commune_insee')}`);
      assert.equal(str(o, 'nom_commune'), c.nom);
      assert.equal(str(o, 'code_departement'), c.dep);
      assert.equal(str(o, 'libelle_departement'), c.depName);
      // Jittered positions stay within a few km of the commune.
      assert.ok(Math.abs(o.lon - c.lon) < 0.1 && Math.abs(o.lat - c.lat) < 0.06, str(o, 'code_ouvrage'));
    }
    for (const r of m.chroniques) {
      assert.equal(str(r, 'producteur_donnee'), producteurOfDepartement(str(r, 'code_departement'))!.code);
    }
  });

  it('covers overseas départements and most of metropolitan France', () => {
    const deps = new Set(m.ouvrages.map((o) => str(o, 'code_departement')));
    for (const d of ['971', '972', '973', '974', '976']) assert.ok(deps.has(d), `missing ${d}`);
    assert.ok(deps.size >= 95, `${deps.size} départements`);
    const producers = new Set(m.chroniques.map((r) => str(r, 'producteur_donnee')));
    assert.equal(producers.size, 11);
  });

  it('keeps years within 2008-2023, with 2008-2011 sparser', () => {
    const perYear = new Map<number, number>();
    for (const r of m.chroniques) {
      const y = r.properties.annee as number;
      assert.ok(y >= 2008 && y <= 2023, `year ${y}`);
      perYear.set(y, (perYear.get(y) ?? 0) + 1);
    }
    assert.ok(perYear.get(2009)! < 0.6 * perYear.get(2015)!);
    assert.ok(perYear.get(2012)! > 0.8 * perYear.get(2015)!);
  });

  it('records only fee-liable volumes and some null volumes', () => {
    let nulls = 0;
    for (const r of m.chroniques) {
      const v = r.properties.volume as number | null;
      if (v === null) nulls++;
      else assert.ok(v >= 7000, `volume ${v}`);
    }
    assert.ok(nulls > 0 && nulls < 0.05 * m.chroniques.length);
  });

  it('estimates irrigation more often than drinking water', () => {
    const estimated = (code: string) => {
      const rows = m.chroniques.filter((r) => str(r, 'code_usage') === code);
      return rows.filter((r) => ESTIMATED_MODES.includes(str(r, 'code_mode_obtention_volume'))).length / rows.length;
    };
    assert.ok(estimated('IRR') > 2 * estimated('AEP'));
    assert.ok(MEASURED_MODES.includes('MED'));
  });

  it('uses placeholders and open ends in exploitation dates', () => {
    assert.ok(m.ouvrages.some((o) => o.properties.date_exploitation_debut === '1900-01-01'));
    assert.ok(m.ouvrages.some((o) => o.properties.date_exploitation_fin === null));
    assert.ok(m.ouvrages.some((o) => o.properties.date_exploitation_fin !== null));
  });

  it('has groundwater and surface resources', () => {
    const milieux = new Set(m.ouvrages.map((o) => str(o, 'code_type_milieu')));
    assert.ok(milieux.has('SOUT') && milieux.has('CONT'));
  });
});

describe('named sites', () => {
  it('refer to current communes', () => {
    for (const s of [...COOLING_SITES, ...HYDRO_SITES, ...CANAL_SITES]) assert.ok(communeByCode(s.commune), `${s.name}: ${s.commune}`);
    for (const p of PORT_COMMUNES) assert.ok(communeByCode(p.commune), p.commune);
  });
});

describe('national volumes by usage (scale 0.05)', () => {
  it('reproduces the BNPE shares outside turbined water', () => {
    const m = materialise(0.05);
    const byUsage = new Map<string, number>();
    for (const r of m.chroniques) {
      const y = r.properties.annee as number;
      const v = r.properties.volume as number | null;
      if (y < 2012 || v === null) continue;
      byUsage.set(str(r, 'code_usage'), (byUsage.get(str(r, 'code_usage')) ?? 0) + v / 12);
    }
    const tur = byUsage.get(USAGES.eauTurbinee.code) ?? 0;
    const other = [...byUsage].filter(([u]) => u !== USAGES.eauTurbinee.code).reduce((a, [, v]) => a + v, 0);
    // ≈ 28 Gm³/year at scale 1, so ≈ 1.4 Gm³ at 0.05; turbined water ≈ 940 Gm³ at scale 1.
    assert.ok(other > 1.1e9 && other < 1.7e9, `total ${other}`);
    assert.ok(tur > 30 * other, `turbined ${tur}`);
    const share = (u: string) => (byUsage.get(u) ?? 0) / other;
    const expect: [string, number, number][] = [
      [USAGES.energie.code, 0.5, 0.7], [USAGES.eauPotable.code, 0.15, 0.23],
      [USAGES.irrigation.code, 0.08, 0.15], [USAGES.industrie.code, 0.06, 0.13],
    ];
    for (const [u, lo, hi] of expect) assert.ok(share(u) > lo && share(u) < hi, `${u}: ${share(u).toFixed(3)}`);
  });
});
