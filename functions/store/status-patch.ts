import {
  JOB_PHASES,
  OPERATION_KINDS,
  type JobStatus,
  type JobStatusPatch,
} from '../core/model/index.js';
import { MAX_DETAILS_BYTES, requireCount, requireJsonObject, requireOneOf } from './validate.js';

/**
 * Applies a status patch; `null` removes a field, `undefined` keeps it. Validates what it copies,
 * because the status is written as is into the job item.
 * @throws ValidationError naming the patched field.
 */
export function applyPatch(status: JobStatus, patch: JobStatusPatch): JobStatus {
  const next: JobStatus = { ...status };
  if (patch.phase !== undefined) next.phase = requireOneOf(patch.phase, JOB_PHASES, 'phase');
  if (patch.attempt !== undefined) next.attempt = requireCount(patch.attempt, 'attempt');
  if (patch.operation) {
    requireOneOf(patch.operation.kind, OPERATION_KINDS, 'operation.kind');
    if (patch.operation.data !== undefined) {
      requireJsonObject(patch.operation.data, 'operation.data', MAX_DETAILS_BYTES);
    }
  }
  // `null` clears, `undefined` keeps: spelled out per field so each keeps its own type.
  if (patch.lastApplied === null) delete next.lastApplied;
  else if (patch.lastApplied) next.lastApplied = patch.lastApplied;
  if (patch.lastStable === null) delete next.lastStable;
  else if (patch.lastStable) next.lastStable = patch.lastStable;
  if (patch.jobId === null) delete next.jobId;
  else if (patch.jobId !== undefined) next.jobId = patch.jobId;
  if (patch.operation === null) delete next.operation;
  else if (patch.operation) next.operation = patch.operation;
  if (patch.lastError === null) delete next.lastError;
  else if (patch.lastError) next.lastError = patch.lastError;
  if (patch.observed === null) delete next.observed;
  else if (patch.observed) next.observed = patch.observed;
  if (patch.jobStartedAt === null) delete next.jobStartedAt;
  else if (patch.jobStartedAt !== undefined) next.jobStartedAt = patch.jobStartedAt;
  if (patch.restoredFrom === null) delete next.restoredFrom;
  else if (patch.restoredFrom !== undefined) next.restoredFrom = patch.restoredFrom;
  if (patch.newestSavepoint === null) delete next.newestSavepoint;
  else if (patch.newestSavepoint) next.newestSavepoint = patch.newestSavepoint;
  if (patch.rejected === null) delete next.rejected;
  else if (patch.rejected) next.rejected = patch.rejected;
  if (patch.backoff === null) delete next.backoff;
  else if (patch.backoff) next.backoff = patch.backoff;
  if (patch.savepointNonce === null) delete next.savepointNonce;
  else if (patch.savepointNonce !== undefined) {
    next.savepointNonce = requireCount(patch.savepointNonce, 'savepointNonce');
  }
  if (patch.checkpointLocation === null) delete next.checkpointLocation;
  else if (patch.checkpointLocation !== undefined)
    next.checkpointLocation = patch.checkpointLocation;
  if (patch.restorePoint === null) delete next.restorePoint;
  else if (patch.restorePoint) next.restorePoint = patch.restorePoint;
  if (patch.gate === null) delete next.gate;
  else if (patch.gate) next.gate = patch.gate;
  return next;
}
