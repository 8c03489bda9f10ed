/**
 * Parsed specs by spec hash, kept across the cycles of a warm process. A spec hash is the sha256
 * of the spec's canonical form (change/hash.ts), and the store writes a spec and its hash in the
 * same item, so one hash always stands for one stored spec: a spec parsed (and so validated with
 * zod) once need not be read, nor validated, again while its hash is cached. A spec written by an
 * older fjc is parsed with today's schema the first time it is seen, like any other.
 */
import { flinkJobSchema, type FlinkJob } from '../spec/index.js';
import type { JsonObject } from '../model/index.js';

/**
 * Default bound: two specs (desired, last applied) for each of 10,000 jobs, plus room for the
 * specs changing between cycles. A parsed spec is a few KB, so a full cache is ~50–100 MB; the
 * reconcile Lambda's memory is sized with that in mind (lib/).
 */
export const DEFAULT_SPEC_CACHE_ENTRIES = 25_000;

/** The outcome of reading a stored spec: the parsed job, or why it no longer parses. */
export type ParsedSpec = { ok: true; job: FlinkJob } | { ok: false; reason: string };

/** A bounded least-recently-used map from spec hash to parsed spec. */
export class SpecCache {
  private readonly entries = new Map<string, FlinkJob>();
  /** Parses done by {@link parse} since creation (misses that were parsed), for tests and logs. */
  parses = 0;

  constructor(readonly maxEntries: number = DEFAULT_SPEC_CACHE_ENTRIES) {
    if (!Number.isSafeInteger(maxEntries) || maxEntries < 1)
      throw new RangeError(`maxEntries must be a positive integer, not ${maxEntries}`);
  }

  get size(): number {
    return this.entries.size;
  }

  /** The parsed spec of `hash`, marking it recently used; `undefined` when not cached. */
  get(hash: string): FlinkJob | undefined {
    const job = this.entries.get(hash);
    if (job === undefined) return undefined;
    // Map keeps insertion order: re-inserting makes this the most recently used entry.
    this.entries.delete(hash);
    this.entries.set(hash, job);
    return job;
  }

  has(hash: string): boolean {
    return this.entries.has(hash);
  }

  /**
   * The cached spec of `hash`, or `stored` parsed and cached under `hash`. A spec that does not
   * parse is not cached: it is reported each cycle until it is fixed (rare, and then read again).
   */
  parse(hash: string, stored: JsonObject): ParsedSpec {
    const cached = this.get(hash);
    if (cached !== undefined) return { ok: true, job: cached };
    this.parses++;
    const parsed = flinkJobSchema.safeParse(stored);
    if (!parsed.success)
      return { ok: false, reason: parsed.error.issues[0]?.message ?? 'does not parse' };
    this.entries.set(hash, parsed.data);
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    return { ok: true, job: parsed.data };
  }

  clear(): void {
    this.entries.clear();
  }
}

/** The cache of this process: module-level, so it outlives one invocation of a warm Lambda. */
export const processSpecCache = new SpecCache();
