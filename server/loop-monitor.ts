// Event-loop delay of this process (monitorEventLoopDelay) and its peak memory, logged when the
// server stops: a long synchronous task (a big sort, an export, a tile) shows as a stall here.
import { monitorEventLoopDelay } from 'node:perf_hooks';

export interface LoopReport { p50Ms: number; p99Ms: number; maxMs: number; stallsOver1s: number; peakRssMiB: number }

export interface LoopMonitor { report(): LoopReport; stop(): LoopReport }

export function startLoopMonitor(): LoopMonitor {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  // A stall is a gap between ticks of this timer far beyond its period.
  let stalls = 0;
  let last = performance.now();
  const ticker = setInterval(() => { const now = performance.now(); if (now - last > 1100) stalls++; last = now; }, 100);
  ticker.unref();
  const report = (): LoopReport => ({
    p50Ms: histogram.percentile(50) / 1e6, p99Ms: histogram.percentile(99) / 1e6, maxMs: histogram.max / 1e6, stallsOver1s: stalls,
    peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
  });
  return { report, stop: () => { clearInterval(ticker); histogram.disable(); return report(); } };
}
