// Writes the column sidecar of a FlatGeobuf (columns.ts) from the file itself: one streaming
// pass decoding only the indexable columns. Run by the data build after each file, and by
// `prelevements build-columns` for files built before (or elsewhere).
import { ColumnsBuilder, fingerprintOf } from './columns.js';
import { FlatGeobufProvider } from './provider.js';
import { FileRangeSource } from '../range-client.js';

/** `maxDictionary`: distinct values past which a column is not a dictionary (tests lower it). */
export async function writeColumnsSidecar(path: string, out = `${path}.cols`, maxDictionary?: number): Promise<{ columns: string[]; features: number }> {
  // The fingerprint first: of the bytes about to be read, even if the path is renamed meanwhile.
  const source = await FileRangeSource.open(path);
  let fingerprint: string;
  try { fingerprint = await fingerprintOf(source); } finally { await source.close(); }
  const provider = await FlatGeobufProvider.open(path, { idProperties: [], columns: false });
  try {
    const header = provider.header;
    const builder = new ColumnsBuilder((header.columns ?? []).map((c) => ({ name: c.name, type: c.type })), header.featuresCount, undefined, maxDictionary);
    for await (const batch of provider.scanBatches(undefined, undefined, { properties: builder.names })) {
      for (const f of batch) builder.add(f.properties);
    }
    builder.write(out, fingerprint);
    return { columns: builder.names, features: header.featuresCount };
  } finally {
    await provider.close();
  }
}
