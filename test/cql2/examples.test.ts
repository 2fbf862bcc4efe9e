// The standard's examples: text ≡ JSON (same AST) and the expected matches.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CQL2_CONFORMANCE, Cql2Error, compile, parseJson, parseText } from '../../server/cql2/index.js';
import { examples } from './corpus.js';
import { ctx, features } from './fixture.js';

describe('CQL2 standard examples', () => {
  for (const ex of examples) {
    it(ex.name, () => {
      const fromText = parseText(ex.text);
      const fromJson = parseJson(ex.json);
      assert.deepStrictEqual(fromText, fromJson, 'CQL2-Text and CQL2-JSON give the same AST');
      if (ex.expect instanceof RegExp) {
        assert.throws(() => compile(fromText, ctx), (e: unknown) => e instanceof Cql2Error && (ex.expect as RegExp).test(e.message));
        return;
      }
      const matches = features.filter(compile(fromText, ctx)).map((f) => f.id);
      assert.deepStrictEqual(matches, ex.expect);
    });
  }

  it('exercises every conformance class but the two encodings', () => {
    const covered = new Set(examples.flatMap((e) => e.classes));
    const expected = CQL2_CONFORMANCE.map((u) => u.split('/').pop()!).filter((c) => c !== 'cql2-text' && c !== 'cql2-json');
    assert.deepStrictEqual(expected.filter((c) => !covered.has(c as never)), []);
    assert.equal(CQL2_CONFORMANCE.length, 13);
    assert.ok(CQL2_CONFORMANCE.every((u) => u.startsWith('http://www.opengis.net/spec/cql2/1.0/conf/')));
  });
});
