/**
 * Object Deleted: the jobs the deleted file declared go the way their deletion policy says. The
 * file itself is gone, so what it declared comes from its result object (the manifest written
 * when it was applied) — which works the same on versioned and unversioned buckets.
 */
import { ConflictError, NotFoundError } from '../commons/errors.js';
import { audited, type Caller } from '../core/authorization.js';
import { requestJobDeletion } from '../core/deletion.js';
import type { JobStore } from '../core/ports/index.js';
import { sourceActor } from './actor.js';
import { applySpecFile } from './apply-spec-file.js';
import type { IngestContext, IngestOutcome } from './context.js';
import { scopeOfKey, scopePrincipal, type KeyScope } from './key-scope.js';
import type { SpecObjectChange } from './event.js';
import { publishFailure, publishResult } from './publish-result.js';
import { requestReconcile } from './reconcile-request.js';
import type { DeclaredJob, JobResult, StoredResult } from './result.js';

/** Why a job is kept when the file's scope may not change it; names no team but the file's. */
function outsideScope(scope: KeyScope): string {
  return scope.kind === 'team'
    ? `it is outside the scope of this file (files under ${scope.prefix} change only jobs of team ${scope.team}); delete it from its own scope or with the API`
    : 'it is outside the scope of this file (its key is in no author scope); delete it with the API';
}

/**
 * Deletes one declared job by its policy, unless it is no longer this file's. Scope test: the
 * file's key must still be allowed to change the job (the same rules as applying it). Ownership test: the
 * job's generation and spec hash are still those recorded when this file applied it. Any later
 * change of the desired spec — a newer file declaring the job differently, an API update, an
 * earlier deletion — bumps the generation, and a job released and created again has a different
 * spec or starts again at generation 1 with another hash. The deletion is then conditioned on
 * that generation, so a change racing with it makes it fail instead of overriding it.
 */
async function retireJob(
  store: JobStore,
  job: DeclaredJob,
  caller: Caller,
  scope: KeyScope,
): Promise<JobResult> {
  const actor = caller.actor;
  const current = await store.getJob(job.name);
  if (!current) return { name: job.name, outcome: 'missing', reason: 'no such job is stored' };
  const access = audited(
    caller.audit,
    caller.principal,
    { permission: 'job:write', resource: `job/${job.name}`, teams: [current.team] },
    caller.correlationId,
  );
  if (!access.allowed) return { name: job.name, outcome: 'kept', reason: outsideScope(scope) };
  // A retried event finds the jobs it already handled: exactly one desired change since the
  // apply, and it is this deletion's (same actor, a deletion, the current spec hash).
  const handled =
    current.generation === job.generation + 1 &&
    current.recentHistory.some(
      (entry) =>
        entry.actor === actor &&
        entry.details?.deletion !== undefined &&
        entry.details.specHash === current.specHash,
    );
  if (handled)
    return {
      name: job.name,
      outcome: 'suspending',
      generation: current.generation,
      reason: 'requested by an earlier attempt of this deletion',
    };
  if (current.generation !== job.generation || current.specHash !== job.specHash)
    return {
      name: job.name,
      outcome: 'kept',
      generation: current.generation,
      reason: `its desired spec changed after this file applied it (generation ${job.generation}, now ${current.generation}): a newer spec file or the API declares it now`,
    };
  try {
    const outcome = await requestJobDeletion(store, job.name, {
      actor,
      expectedGeneration: job.generation,
    });
    return outcome.action === 'released'
      ? { name: job.name, outcome: 'released', reason: 'deletionPolicy keep-running' }
      : { name: job.name, outcome: 'suspending', generation: outcome.generation };
  } catch (error) {
    if (error instanceof NotFoundError)
      return { name: job.name, outcome: 'missing', reason: 'deleted concurrently' };
    if (error instanceof ConflictError)
      return { name: job.name, outcome: 'kept', reason: 'its desired spec changed concurrently' };
    throw error;
  }
}

/**
 * Handles the deletion of the spec file at `key`.
 *
 * The key may still have a current object: the event was about an older version (e.g. the
 * lifecycle rule expiring a noncurrent version), or the latest version was removed so an older
 * one is current again, or the file was uploaded again before this event arrived. In all these
 * cases the file is not gone, and what it now declares is applied instead.
 */
export async function withdrawSpecFile(
  ctx: IngestContext,
  change: SpecObjectChange,
  key: string,
  previous: StoredResult | undefined,
): Promise<IngestOutcome> {
  if (await ctx.objects.exists(change.bucket, key)) {
    const current: SpecObjectChange = {
      eventId: change.eventId,
      change: 'created',
      bucket: change.bucket,
      key,
      ...(change.sequencer === undefined ? {} : { sequencer: change.sequencer }),
      ...(change.requester === undefined ? {} : { requester: change.requester }),
    };
    return applySpecFile(ctx, current, key, previous);
  }
  const source = {
    bucket: change.bucket,
    key,
    ...(change.versionId === undefined ? {} : { versionId: change.versionId }),
    ...(change.sequencer === undefined ? {} : { sequencer: change.sequencer }),
  };
  const actor = sourceActor({ ...change, key });
  const base = { source, at: ctx.now().toISOString(), actor, eventId: change.eventId };
  if (previous === undefined)
    return publishResult(ctx, {
      ...base,
      status: 'deleted',
      declared: [],
      issues: [
        {
          path: 'file',
          message:
            'no result object records which jobs this file declared (it was never applied, or its result object was removed); no job was changed. Delete its jobs with the API if meant',
        },
      ],
    });

  const jobs: JobResult[] = [];
  try {
    const scope = scopeOfKey(key);
    const caller: Caller = {
      principal: scopePrincipal(scope, actor),
      actor,
      audit: ctx.logger ?? { info: () => undefined },
      correlationId: change.eventId,
    };
    for (const job of previous.declared) jobs.push(await retireJob(ctx.store, job, caller, scope));
  } catch (error) {
    // Those suspended before the failure need the controller as much as the rest will.
    await requestReconcile(ctx, suspending(jobs), change.eventId);
    // Jobs not yet handled stay declared, so the retry finds them; handled ones it recognises.
    await publishFailure(
      ctx,
      { ...base, status: 'failed', jobs, declared: previous.declared },
      error,
    );
    throw error;
  }
  await requestReconcile(ctx, suspending(jobs), change.eventId);
  return publishResult(ctx, { ...base, status: 'deleted', jobs, declared: [] });
}

/** The jobs this deletion suspends: the controller has work to do on each. */
function suspending(jobs: readonly JobResult[]): string[] {
  return jobs.filter((job) => job.outcome === 'suspending').map((job) => job.name);
}
