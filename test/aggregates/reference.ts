// An independent exact sum for the tests: every double is an integer times a power of two, so the
// sum is computed exactly with BigInt, then rounded once (Number(bigint) rounds to nearest even).

function decompose(x: number): { m: bigint; e: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const hi = view.getUint32(0), lo = view.getUint32(4);
  const exponent = (hi >>> 20) & 0x7ff;
  const fraction = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  const sign = hi >>> 31 ? -1n : 1n;
  if (exponent === 0x7ff) throw new RangeError('not finite');
  return exponent === 0 ? { m: sign * fraction, e: -1074 } : { m: sign * (fraction | (1n << 52n)), e: exponent - 1075 };
}

export function referenceSum(values: number[]): number {
  const parts = values.filter((v) => v !== 0).map(decompose); // zero's exponent would scale everything to 2^-1074
  if (parts.length === 0) return 0;
  const min = Math.min(...parts.map((p) => p.e));
  let total = 0n;
  for (const p of parts) total += p.m << BigInt(p.e - min);
  return Number(total) * 2 ** min;
}
