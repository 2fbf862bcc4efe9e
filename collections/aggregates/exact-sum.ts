// Order-independent exact summation of doubles: the result is the correctly rounded value of the
// exact mathematical sum (Shewchuk's expansions, as Python's math.fsum), so an aggregate always
// equals the sum recomputed from the chroniques, whatever order either reads them in.
// Fast path: while every term is an integer and the total stays within 2^53, plain addition is
// exact, so the expansion is only built for fractional volumes.

const SAFE = 2 ** 53;

export class ExactSum {
  private sum = 0;
  private partials: number[] | null = null;

  add(x: number): void {
    if (!Number.isFinite(x)) throw new RangeError(`somme d'un nombre non fini (${x})`);
    if (this.partials === null) {
      // |sum| + |x| ≤ 2^53 (tested without rounding): the integer sum is exact.
      if (Number.isInteger(x) && Math.abs(x) <= SAFE && Math.abs(this.sum) <= SAFE - Math.abs(x)) { this.sum += x; return; }
      this.partials = this.sum === 0 ? [] : [this.sum];
    }
    const partials = this.partials;
    let i = 0;
    for (let j = 0; j < partials.length; j++) {
      let y = partials[j];
      if (Math.abs(x) < Math.abs(y)) { const t = x; x = y; y = t; }
      const hi = x + y;
      const lo = y - (hi - x);
      if (lo !== 0) partials[i++] = lo;
      x = hi;
    }
    partials.length = i;
    partials.push(x);
  }

  value(): number {
    const partials = this.partials;
    if (partials === null) return this.sum;
    let n = partials.length;
    if (n === 0) return 0;
    let hi = partials[--n];
    let lo = 0;
    while (n > 0) {
      const x = hi;
      const y = partials[--n];
      hi = x + y;
      lo = y - (hi - x);
      if (lo !== 0) break;
    }
    // Round half-even correctly when the rest of the expansion lies beyond the halfway point.
    if (n > 0 && ((lo < 0 && partials[n - 1] < 0) || (lo > 0 && partials[n - 1] > 0))) {
      const y = lo * 2;
      const x = hi + y;
      if (y === x - hi) hi = x;
    }
    return hi;
  }
}

export function exactSum(values: Iterable<number>): number {
  const s = new ExactSum();
  for (const v of values) s.add(v);
  return s.value();
}
