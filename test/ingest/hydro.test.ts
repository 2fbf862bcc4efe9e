import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_EFFICIENCY, hydroFromRecord, hydroVolume } from '../../collections/hydro.js';

describe('hydroelectric volume, V = (367 / R) × (E / H)', () => {
  it('applies the arrêté formula, R = 0.75 by default', () => {
    assert.equal(DEFAULT_EFFICIENCY, 0.75);
    assert.ok(Math.abs(hydroVolume(750, 367) - 1000) < 1e-9); // 367 / 0.75 × 750 / 367 = 750 / 0.75
    assert.equal(hydroVolume(1_000_000, 10), (367 / 0.75) * 100_000);
    assert.equal(hydroVolume(1_000_000, 10, 0.9), (367 / 0.9) * 100_000);
    assert.equal(hydroVolume(0, 10), 0);
  });

  it('doubles the volume when the head halves, and is inverse to the efficiency', () => {
    assert.ok(Math.abs(hydroVolume(5e6, 20) * 2 - hydroVolume(5e6, 10)) < 1e-6);
    assert.ok(Math.abs(hydroVolume(5e6, 20, 0.5) - hydroVolume(5e6, 20, 1) * 2) < 1e-6);
  });

  it('refuses inputs that would give a meaningless volume', () => {
    assert.throws(() => hydroVolume(-1, 10), /énergie/);
    assert.throws(() => hydroVolume(1, 0), /hauteur/);
    assert.throws(() => hydroVolume(1, Number.NaN), /hauteur/);
    assert.throws(() => hydroVolume(1, 10, 1.2), /rendement/);
    assert.throws(() => hydroVolume(1, 10, 0), /rendement/);
  });

  it('turns a record giving energy and head into a volume, rounded to the m³', () => {
    const record: Record<string, unknown> = { volume: null, energie_kwh: 1000, hauteur_chute_m: 3, rendement: 0.8 };
    assert.deepEqual(hydroFromRecord(record), { kind: 'volume', volume: Math.round((367 / 0.8) * (1000 / 3)) });
    assert.deepEqual(Object.keys(record), ['volume'], 'the extra fields are removed');
    assert.deepEqual(hydroFromRecord({ volume: 12, energie: 1, hauteur_chute: 1 }), { kind: 'none' }, 'a given volume wins');
    assert.deepEqual(hydroFromRecord({ volume: null }), { kind: 'none' });
    assert.equal(hydroFromRecord({ volume: null, energie_kwh: 10 }).kind, 'error');
    const bad = hydroFromRecord({ volume: null, energie_kwh: 10, hauteur_chute_m: -2 });
    assert.deepEqual(bad.kind === 'error' && bad.field, 'hauteur_chute_m');
  });
});
