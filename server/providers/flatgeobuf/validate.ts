// Checks a FlatGeobuf file when it is opened, so that a file cut short (an interrupted copy, a full
// disk) or overwritten with garbage makes its collection unavailable instead of serving empty
// features. Cheap for any size: the header, the ends of the leaf level and the last feature are
// always checked; the whole leaf level only while it is small and local (not over HTTP).
import type { RangeSource } from '../range-client.js';
import { NODE_ITEM_BYTES, featureOffsets, type FileLayout } from './format.js';

/** Leaf levels up to this size (≈ 200,000 features) are read whole at open to check every offset. */
export const FULL_LEAF_CHECK_BYTES = 8 * 1024 * 1024;
const CHUNK_NODES = 32 * 1024;

export async function checkLayout(source: RangeSource, layout: FileLayout, options: { leaves: boolean } = { leaves: true }): Promise<void> {
  const count = layout.header.featuresCount;
  const featuresBytes = source.size - layout.featuresOffset;
  if (count === 0) return;
  if (featuresBytes < 4) throw new Error(`truncated FlatGeobuf file: ${count} features announced, no feature bytes`);
  if (layout.numNodes === 0) {
    // No index: only the first feature's size prefix can be checked without reading everything.
    const first = await source.read(layout.featuresOffset, 4);
    const size = new DataView(first.buffer, first.byteOffset, first.byteLength).getUint32(0, true);
    if (4 + size > featuresBytes) throw new Error('truncated FlatGeobuf file: the first feature runs past the end');
    return;
  }
  // The first feature starts the features section; the last one ends exactly at the end of the file.
  const [firstOffset] = await featureOffsets(source, layout, 0, 0);
  if (firstOffset !== 0) throw new Error(`corrupt index: first feature at offset ${firstOffset}`);
  const last = await featureOffsets(source, layout, count - 1, count - 1);
  const lastBytes = await source.read(layout.featuresOffset + last[0], 4);
  if (lastBytes.length < 4) throw new Error('truncated FlatGeobuf file: the last feature is missing');
  const size = new DataView(lastBytes.buffer, lastBytes.byteOffset, lastBytes.byteLength).getUint32(0, true);
  const expected = layout.featuresOffset + last[0] + 4 + size;
  if (expected > source.size) throw new Error(`truncated FlatGeobuf file: ${expected} bytes expected from header and index, file has ${source.size}`);
  if (expected < source.size) throw new Error(`corrupt FlatGeobuf file: ${source.size - expected} bytes after the last feature`);
  if (options.leaves && count * NODE_ITEM_BYTES <= FULL_LEAF_CHECK_BYTES) {
    // featureOffsets checks that offsets grow and stay in the file; chunks overlap by one feature.
    for (let from = 0; from < count; from += CHUNK_NODES) await featureOffsets(source, layout, from, Math.min(count - 1, from + CHUNK_NODES));
  }
}
