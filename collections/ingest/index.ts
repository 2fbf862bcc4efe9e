// `prelevements ingest`: Hub'Eau data in (API harvest or downloaded files), a new served version out.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { BuildProgress } from '../build.js';
import { ENDPOINTS } from './endpoints.js';
import { expandPaths, openFileSource, type RecordSource } from './files.js';
import { harvest, type HarvestOptions, type HarvestResult } from './harvest.js';
import { buildFromSources, type IngestSummary } from './pipeline.js';
import { readSpool } from './spool.js';

export { IngestError } from './errors.js';
export { HUBEAU_BASE_URL, HUBEAU_MAX_DEPTH } from './harvest.js';
export type { IngestSummary } from './pipeline.js';

interface BuildOptions {
  out: string;
  boundaries?: string[];
  progress?: BuildProgress;
  keep?: number;
}

export type IngestFilesOptions = BuildOptions & { files: string[] };

export async function ingestFromFiles(o: IngestFilesOptions): Promise<IngestSummary> {
  // Every file is opened and recognised before anything is built: a bad one stops the run early.
  const sources = expandPaths(o.files).map(openFileSource);
  return buildFromSources({ ...o, sources });
}

export type IngestApiOptions = BuildOptions & Omit<HarvestOptions, 'spoolDir'> & {
  /** Keep spools and checkpoint after a successful build (default: removed). */
  keepSpool?: boolean;
};

export async function ingestFromApi(o: IngestApiOptions): Promise<IngestSummary & { harvest: HarvestResult }> {
  const spoolDir = join(o.out, '.ingest');
  const checkpointFile = o.checkpointFile ?? join(spoolDir, 'checkpoint.json');
  const result = await harvest({ ...o, spoolDir, checkpointFile });
  const sources: RecordSource[] = ENDPOINTS.filter((e) => result.spools[e.id]).map((e) => {
    const spool = result.spools[e.id];
    return { label: spool.path, endpoint: e, records: () => readSpool(spool.path, spool.bytes) };
  });
  const estimates = Object.fromEntries(Object.entries(result.spools).map(([id, s]) => [id, s.records]));
  const summary = await buildFromSources({ ...o, sources, estimates });
  summary.warnings.unshift(...result.warnings);
  if (!o.keepSpool) {
    // Served now: the next run harvests afresh instead of resuming a finished harvest.
    rmSync(spoolDir, { recursive: true, force: true });
    rmSync(checkpointFile, { force: true });
  }
  return { ...summary, harvest: result };
}

/** The run's summary as a small markdown table (read, kept, rejected per collection). */
export function formatSummary(summary: IngestSummary): string {
  const rows = Object.entries(summary.tallies).map(([id, t]) => `| ${id} | ${t.read} | ${t.kept} | ${t.rejected} | ${t.flagged} |`);
  const built = Object.entries(summary.counts).map(([id, n]) => `${id} ${n}`).join(', ');
  // Counts by reason, most frequent first: what to fix upstream, at a glance.
  const byReason = (title: string, pick: (t: IngestSummary['tallies'][string]) => Record<string, number>) => Object.entries(summary.tallies).flatMap(([id, t]) =>
    Object.entries(pick(t)).sort((a, b) => b[1] - a[1]).map(([reason, n]) => `| ${id} | ${title} | ${reason} | ${n} |`));
  const reasons = [...byReason('rejet', (t) => t.reasons), ...byReason('gardé, signalé', (t) => t.flags)];
  return [
    '| collection | lus | gardés | rejetés | gardés signalés |', '|---|---:|---:|---:|---:|', ...rows, '',
    ...(reasons.length ? ['| collection | | motif | nombre |', '|---|---|---|---:|', ...reasons, ''] : []),
    `Version publiée : ${summary.version}`,
    `Entités écrites : ${built}`,
    `Rejets : ${summary.rejectsPath}`,
    ...summary.warnings.map((w) => `Attention : ${w}`),
  ].join('\n');
}
