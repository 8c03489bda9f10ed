/**
 * What a cluster probe answers (core/cluster-probe.ts): checks, outcomes and the report, as zod
 * schemas, since the api reads the report back from another function and checks it.
 */
import { z } from 'zod';

/** Most clusters one probe takes (the API answers within 29 s; see `probeBudgetMs`). */
export const MAX_PROBED_CLUSTERS = 16;

/** A cluster's name as a probe takes it. */
export const clusterNameSchema = z.string().min(1).max(253);

/** The checks of one cluster, in the order they run. */
export const PROBE_CHECKS = ['record', 'secret', 'rest', 'storage'] as const;

/** How one check came out; `skipped` says why it was not run. */
export const PROBE_OUTCOMES = ['ok', 'failed', 'skipped'] as const;

const detailSchema = z.string().max(2_000);

/** One check of one cluster. */
export const probeCheckSchema = z.object({
  check: z.enum(PROBE_CHECKS),
  outcome: z.enum(PROBE_OUTCOMES),
  /** What was found, in one sentence (never a secret value). */
  detail: detailSchema,
  /** What to do about a failure: the remedy of the error that caused it. */
  remedy: detailSchema.optional(),
  /** The error code of a failure, when it had one. */
  code: z.string().max(100).optional(),
});

/** One cluster's answer. */
export const clusterProbeSchema = z.object({
  cluster: clusterNameSchema,
  /** True when no check failed. */
  ok: z.boolean(),
  /** The version the cluster runs, when its REST API answered. */
  flinkVersion: z.string().max(100).optional(),
  /** Whether fjc supports that version. */
  flinkVersionSupported: z.boolean().optional(),
  checks: z.array(probeCheckSchema).max(16),
});

/** A probe's answer: one entry per cluster asked about, in the order asked. */
export const probeReportSchema = z.object({
  clusters: z.array(clusterProbeSchema).max(MAX_PROBED_CLUSTERS),
});

/**
 * The answer of a function that could not run a probe at all (a malformed event, no probe wired,
 * the store unreachable). Returned, not thrown: a failed invocation would count toward the
 * function's Errors alarm, which rolls an fjc release back.
 */
export const probeRefusalSchema = z.object({
  refused: z.object({
    code: z.string().max(100),
    message: detailSchema,
    remedy: detailSchema.optional(),
  }),
});

/** One check of one cluster. */
export type ProbeCheck = z.infer<typeof probeCheckSchema>;
/** One cluster's answer. */
export type ClusterProbe = z.infer<typeof clusterProbeSchema>;
/** A probe's answer. */
export type ProbeReport = z.infer<typeof probeReportSchema>;
/** A probe the answering function could not run. */
export type ProbeRefusal = z.infer<typeof probeRefusalSchema>;
