/**
 * Cost of one call, for the hostile-input tests: wall and CPU time, and how much the heap and the
 * process's peak memory grew. The bounds these feed are generous guards against runaway work
 * (seconds of CPU, hundreds of megabytes), never speed targets.
 */

/** What one measured call cost. */
export interface Cost<T> {
  value: T;
  wallMs: number;
  cpuMs: number;
  /** Growth of the JS heap across the call (GC may make it smaller, never larger). */
  heapMb: number;
  /** Growth of the process's peak resident memory across the call. */
  peakRssMb: number;
}

/** Runs `work` once and says what it cost. */
export function measure<T>(work: () => T): Cost<T> {
  const heapBefore = process.memoryUsage().heapUsed;
  const rssBefore = process.resourceUsage().maxRSS;
  const cpuBefore = process.cpuUsage();
  const start = performance.now();
  const value = work();
  const wallMs = performance.now() - start;
  const cpu = process.cpuUsage(cpuBefore);
  return {
    value,
    wallMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    heapMb: (process.memoryUsage().heapUsed - heapBefore) / 1e6,
    // maxRSS is in kilobytes.
    peakRssMb: (process.resourceUsage().maxRSS - rssBefore) / 1e3,
  };
}

/** Bounds per hostile document: far above what parsing costs, far below a stalled door. */
export const HOSTILE_BOUNDS = { wallMs: 10_000, cpuMs: 5_000, memoryMb: 200 } as const;
