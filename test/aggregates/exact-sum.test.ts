import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ExactSum, exactSum } from '../../collections/aggregates/exact-sum.js';
import { referenceSum } from './reference.js';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

describe('exact summation', () => {
  it('equals the exact sum, correctly rounded, where naive addition drifts', () => {
    assert.equal(0.1 + 0.2 + 0.3, 0.6000000000000001);
    assert.equal(exactSum([0.1, 0.2, 0.3]), 0.6);
    assert.equal(exactSum([1e16, 1, -1e16]), 1);
    assert.equal(exactSum([2 ** 53, 1, 1]), 2 ** 53 + 2);
    assert.equal(exactSum([]), 0);
  });

  it('matches a BigInt reference on random volumes, whatever the order', () => {
    const next = rng(42);
    for (let round = 0; round < 50; round++) {
      const values = Array.from({ length: 200 }, () => {
        const magnitude = 10 ** Math.floor(next() * 12 - 3);
        return (next() < 0.1 ? -1 : 1) * next() * magnitude;
      });
      const expected = referenceSum(values);
      assert.equal(exactSum(values), expected);
      const shuffled = [...values].sort(() => next() - 0.5);
      assert.equal(exactSum(shuffled), expected);
    }
  });

  it('switches from the integer fast path to expansions without losing anything', () => {
    const s = new ExactSum();
    for (let i = 0; i < 1000; i++) s.add(123_456_789);
    s.add(0.25);
    s.add(2 ** 53);
    s.add(-(2 ** 53));
    assert.equal(s.value(), 123_456_789_000.25);
    assert.throws(() => s.add(Number.NaN), RangeError);
  });
});
