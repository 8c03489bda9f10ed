/**
 * The spec language of fjc: FlinkCluster and FlinkJob documents, their schemas (the single
 * source of truth for types, validation and the editor JSON Schema) and the parser.
 */
export {
  API_VERSION,
  INLINE_SECRET_MESSAGE,
  durationToMs,
  isLabelKey,
  isSecretLikeKey,
  type Duration,
} from './common.js';
export {
  clusterAuthSchema,
  flinkClusterSchema,
  flinkClusterSpecSchema,
  type ClusterAuth,
  type FlinkCluster,
  type FlinkClusterInput,
  type FlinkClusterSpec,
} from './cluster.js';
export {
  DELETION_POLICIES,
  DESIRED_STATES,
  UPGRADE_MODES,
  flinkJobSchema,
  flinkJobSpecSchema,
  type DeletionPolicy,
  type DesiredState,
  type FlinkJob,
  type FlinkJobInput,
  type FlinkJobSpec,
  type FlinkJobSpecInput,
  type UpgradeMode,
} from './job.js';
export { JOB_TYPES, PROGRAM_FIELD, jobTypeOf, programDigestOf, type JobType } from './program.js';
export { artifactProblem, type Artifact } from './artifact.js';
export {
  SPEC_KINDS,
  specDocumentSchema,
  type SpecDocument,
  type SpecDocumentInput,
  type SpecKind,
} from './document.js';
export type { FieldIssue } from '../../commons/errors.js';
export { formatPath } from './issues.js';
export {
  MAX_DOCUMENTS,
  MAX_SPEC_DOCUMENT_BYTES,
  MAX_SPEC_FILE_BYTES,
  SPEC_LIMITS,
  type SpecLimits,
} from './limits.js';
export { tooLargeIssue } from './input.js';
export {
  encodeSpecDocument,
  parseSpecDocuments,
  parseSpecDocumentsOrThrow,
  validateSpecDocuments,
  type ParseResult,
  type SpecSource,
} from './parse.js';
export { SPEC_JSON_SCHEMA_PATH, buildSpecJsonSchema } from './json-schema.js';
