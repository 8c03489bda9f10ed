/**
 * A spec document of any kind, and the names of the kinds.
 */
import { z } from 'zod';
import { isMapping } from './common.js';
import { flinkClusterSchema, type FlinkCluster, type FlinkClusterInput } from './cluster.js';
import { flinkJobSchema, type FlinkJob, type FlinkJobInput } from './job.js';

/** The kinds of document fjc understands. */
export const SPEC_KINDS = ['FlinkCluster', 'FlinkJob'] as const;
/** One of {@link SPEC_KINDS}. */
export type SpecKind = (typeof SPEC_KINDS)[number];

/** Any spec document, told apart by `kind`. */
export const specDocumentSchema = z.discriminatedUnion(
  'kind',
  [flinkClusterSchema, flinkJobSchema],
  {
    error: (issue) =>
      isMapping(issue.input)
        ? `must be one of ${SPEC_KINDS.join(', ')}`
        : 'must be a mapping with apiVersion, kind, metadata and spec',
  },
);

/** A spec document as written by users. */
export type SpecDocumentInput = FlinkClusterInput | FlinkJobInput;
/** A validated spec document with defaults applied. */
export type SpecDocument = FlinkCluster | FlinkJob;
