/**
 * The lean reads plan exactly as the whole records did: random fleets are written to the table as
 * whole items, then planned — from `listJobs` with every spec parsed (as reconcile did before
 * lean reads), from `loadViews` with a warm cache (the planning projection and cached specs) and
 * from `loadViews` with a cold one (spec summaries where the items have usable ones) — and every
 * planned action and the fleet figures must be equal, at a random time.
 */
import { randomUUID } from 'node:crypto';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  JOB_PHASES,
  OPERATION_KINDS,
  type JobRecord,
  type JobStatus,
} from '../../../../functions/core/model/index.js';
import { fleetFigures } from '../../../../functions/core/plan/fleet.js';
import { loadViews } from '../../../../functions/core/plan/load-views.js';
import type { ClusterObservation } from '../../../../functions/core/plan/observation.js';
import {
  planJob,
  type JobView,
  type PlanView,
} from '../../../../functions/core/plan/plan-actions.js';
import { SpecCache } from '../../../../functions/core/plan/spec-cache.js';
import { specSummaryOf } from '../../../../functions/core/plan/spec-summary.js';
import { flinkJobSchema } from '../../../../functions/core/spec/index.js';
import { DynamoJobStore } from '../../../../functions/store/index.js';
import { jobToItem } from '../../../../functions/store/items.js';
import { createTable, startDynalite, type LocalDynamo } from '../../../support/dynalite.js';
import { NOW, job, snapshot } from './fixtures.js';

let dynamo: LocalDynamo;
beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(async () => {
  await dynamo.stop();
});

const SPECS = [
  snapshot(job({ parallelism: 1 }), 1),
  snapshot(job({ parallelism: 2 }), 2),
  snapshot(job({ savepointPolicy: { interval: '10m' } }), 3),
  snapshot(job({ state: 'suspended' }), 4),
  snapshot(job({ entryClass: 'dev.fjc.Other' }, { tier: 'gold' }), 5),
  snapshot(job({ savepointNonce: 3 }), 6),
  // A stored spec that no longer parses: skipped as desired, "none" as last applied.
  { spec: { kind: 'FlinkJob' }, specHash: 'broken', generation: 7 },
];
/** The summary the store would hold next to each valid spec (none for the broken one). */
const SUMMARIES = SPECS.flatMap((s) => {
  const parsed = flinkJobSchema.safeParse(s.spec);
  return parsed.success ? [specSummaryOf(parsed.data, s.specHash)] : [];
});
const JOB_IDS = ['a'.repeat(32), 'b'.repeat(32), 'c'.repeat(32)];
const STATES = ['RUNNING', 'FAILED', 'CANCELED', 'RESTARTING', 'FINISHED', 'SUSPENDED'];
const iso = (offsetMs: number) => new Date(NOW.getTime() + offsetMs).toISOString();
const time = fc.integer({ min: -3_600_000, max: 3_600_000 }).map(iso);
const spec = fc.constantFrom(...SPECS);
const at = fc
  .integer({ min: -7_200_000, max: 7_200_000 })
  .map((ms) => new Date(NOW.getTime() + ms));
const opt = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });

const status: fc.Arbitrary<JobStatus> = fc
  .record({
    phase: fc.constantFrom(...JOB_PHASES),
    attempt: fc.nat(5),
    jobId: opt(fc.constantFrom(...JOB_IDS)),
    lastApplied: opt(spec),
    lastStable: opt(spec),
    operation: opt(
      fc.record({
        id: fc.constant('op'),
        kind: fc.constantFrom(...OPERATION_KINDS),
        step: fc.constantFrom('submit', 'await-savepoint'),
        startedAt: time,
        data: opt(fc.constant({ triggerId: 't' })),
      }),
    ),
    lastError: opt(fc.record({ code: fc.constant('E'), message: fc.string(), at: time })),
    observed: opt(fc.record({ state: fc.constantFrom(...STATES), at: time })),
    jobStartedAt: opt(time),
    restoredFrom: opt(fc.constant('s3://sp/0')),
    newestSavepoint: opt(
      fc.record({ id: opt(fc.constant('sp')), path: fc.constant('s3://sp/1'), at: time }),
    ),
    rejected: opt(
      fc.record({
        specHash: spec.map((s) => s.specHash),
        reason: fc.constant('refused'),
        at: time,
      }),
    ),
    savepointNonce: opt(fc.nat(5)),
    backoff: opt(
      fc.record({
        attempts: fc.nat(4),
        nextAttemptAt: time,
        specHash: spec.map((s) => s.specHash),
        reason: fc.constant('5xx'),
      }),
    ),
  })
  .map((s) => JSON.parse(JSON.stringify(s)) as JobStatus);

const jobRecord = (name: string): fc.Arbitrary<JobRecord> =>
  fc
    .record({
      desired: spec,
      status,
      version: fc.integer({ min: 1, max: 50 }),
      updatedAt: time,
      lease: opt(fc.record({ owner: fc.constant('w'), expiresAt: time })),
      // Its own spec's summary, none (written before summaries), another spec's (stale: must be
      // ignored) or one of another format (ignored too).
      summary: fc.constantFrom('own', 'none', 'stale', 'format'),
    })
    .map(({ desired, status, version, updatedAt, lease, summary }) => ({
      name,
      team: 'platform',
      clusterRef: 'local',
      spec: desired.spec,
      specHash: desired.specHash,
      generation: desired.generation,
      status,
      version,
      createdAt: iso(-7_200_000),
      updatedAt,
      ...(lease ? { lease } : {}),
      recentHistory: [{ version, actor: 'fjc', action: 'x', at: updatedAt }],
      ...summaryOf(desired.specHash, summary),
    }));

function summaryOf(hash: string, kind: string): Pick<JobRecord, 'specSummary'> {
  const own = SUMMARIES.find((s) => s.specHash === hash);
  const other = SUMMARIES.find((s) => s.specHash !== hash);
  if (kind === 'own' && own) return { specSummary: own };
  if (kind === 'stale' && other) return { specSummary: other };
  if (kind === 'format' && own) return { specSummary: { ...own, format: own.format + 1 } };
  return {};
}

const fleet = fc
  .integer({ min: 1, max: 12 })
  .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => jobRecord(`job-${i}`))));
const observation: fc.Arbitrary<Map<string, ClusterObservation>> = fc.oneof(
  fc.tuple(...JOB_IDS.map(() => opt(fc.constantFrom(...STATES)))).map(
    (states) =>
      new Map([
        [
          'local',
          {
            reachable: true as const,
            at: NOW,
            jobs: new Map(
              JOB_IDS.flatMap((jobId, i) =>
                states[i] ? [[jobId, { jobId, state: states[i], startTime: 0 }]] : [],
              ),
            ),
          },
        ],
      ]),
  ),
  fc.constant(new Map([['local', { reachable: false as const, reason: 'down', at: NOW }]])),
);

/** How reconcile loaded its views before lean reads: whole records, every spec parsed. */
function wholeView(record: JobRecord): JobView | undefined {
  const desired = flinkJobSchema.safeParse(record.spec);
  if (!desired.success) return undefined;
  const applied = record.status.lastApplied
    ? flinkJobSchema.safeParse(record.status.lastApplied.spec)
    : undefined;
  return {
    record,
    desired: desired.data,
    lastApplied: applied?.success ? applied.data : undefined,
  };
}

describe('lean reads', () => {
  it('plan every job exactly as the whole records did', async () => {
    const doc = DynamoDBDocumentClient.from(dynamo.client, {
      marshallOptions: { removeUndefinedValues: true },
    });
    // One cache across runs, as in a warm process: hits and misses both get exercised.
    const cache = new SpecCache(4);
    await fc.assert(
      fc.asyncProperty(fleet, observation, at, async (records, observations, now) => {
        const tableName = `fjc-${randomUUID()}`;
        await createTable(dynamo.client, tableName);
        await doc.send(
          new BatchWriteCommand({
            RequestItems: {
              [tableName]: records.map((r) => ({ PutRequest: { Item: jobToItem(r) } })),
            },
          }),
        );
        const store = new DynamoJobStore({ client: dynamo.client, tableName });
        const whole = (await store.listJobs({ limit: 1000 })).items
          .map(wholeView)
          .filter((v): v is JobView => v !== undefined);
        const lean = await loadViews(store, cache);
        // A cold process: every usable summary is planned from, no spec of those is read.
        const cold = await loadViews(store, new SpecCache());
        expect(cold.views.some((v) => v.summary === true)).toBe(
          records.some((r) => {
            const s = r.specSummary;
            const applied = r.status.lastApplied?.specHash;
            return (
              s?.specHash === r.specHash &&
              s.format === SUMMARIES[0]?.format &&
              (applied === undefined || applied === r.specHash)
            );
          }),
        );

        const byName = (views: PlanView[]) =>
          [...views].sort((a, b) => a.record.name.localeCompare(b.record.name));
        const plans = (views: PlanView[]) =>
          byName(views).map((v) => planJob(v, observations, now));
        const names = (views: PlanView[]) => byName(views).map((v) => v.record.name);
        expect(names(lean.views)).toEqual(names(whole));
        expect(names(cold.views)).toEqual(names(whole));
        expect(plans(lean.views)).toEqual(plans(whole));
        expect(plans(cold.views)).toEqual(plans(whole));
        for (const views of [lean.views, cold.views])
          expect(fleetFigures(views, now, 15 * 60_000)).toEqual(
            fleetFigures(whole, now, 15 * 60_000),
          );
      }),
      { numRuns: 25 },
    );
  });
});
