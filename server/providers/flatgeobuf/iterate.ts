// Async iteration without async generators on the hot path: a page of 1,000 features passed through
// three generators made a few promises and async-context hooks per feature per layer. These iterators
// make one promise per feature, and await only when a new batch is needed; a consumer that knows
// BufferedIterator takes the rest of a batch at once, without a promise per feature.
import type { BufferedIterator } from '../../types.js';

/** The features of batches, one by one; errors of the batches (and only those) go through `mapError`. */
export function flatten<T>(batches: AsyncIterable<T[]>, mapError: (error: unknown) => unknown = (e) => e): AsyncIterable<T> {
  return {
    [Symbol.asyncIterator](): BufferedIterator<T> {
      const source = batches[Symbol.asyncIterator]();
      let batch: T[] = [];
      let i = 0;
      return {
        buffered(): T[] {
          const rest = i === 0 ? batch : batch.slice(i);
          i = batch.length;
          return rest;
        },
        async next(): Promise<IteratorResult<T>> {
          while (i >= batch.length) {
            let step: IteratorResult<T[]>;
            try { step = await source.next(); } catch (error) { throw mapError(error); }
            if (step.done) return { done: true, value: undefined };
            batch = step.value;
            i = 0;
          }
          return { done: false, value: batch[i++] };
        },
        async return(): Promise<IteratorResult<T>> {
          batch = [];
          await source.return?.();
          return { done: true, value: undefined };
        },
      };
    },
  };
}

/** The items of `iterable`, its errors through `mapError`. */
export function mapErrors<T>(iterable: AsyncIterable<T>, mapError: (error: unknown) => unknown): AsyncIterable<T> {
  return {
    [Symbol.asyncIterator](): BufferedIterator<T> {
      const source: BufferedIterator<T> = iterable[Symbol.asyncIterator]();
      return {
        // Items in hand were read already: no error of the source can come with them.
        ...(source.buffered ? { buffered: () => source.buffered!() } : {}),
        next: () => source.next().catch((error: unknown) => { throw mapError(error); }),
        return: async () => { await source.return?.(); return { done: true, value: undefined }; },
      };
    },
  };
}
