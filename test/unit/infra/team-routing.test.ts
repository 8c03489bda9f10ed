/**
 * Per-team routing, end to end through both doors: a job applied through the API (real HTTP,
 * dynalite) and one applied through S3 ingest (s3rver) into the same table; a reconcile cycle
 * over them (scripted Flink) emits the job figures with a `team` dimension (the EMF documents
 * Powertools writes, parsed); the synthesized template has, per team, an alarm that selects
 * exactly that metric and notifies that team's topic, and no other team's.
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { S3SpecObjects } from '../../../functions/adapters/s3-spec-objects.js';
import { createObservability } from '../../../functions/commons/observability.js';
import type { ControlContext, StateMachinePort } from '../../../functions/core/ports/index.js';
import { createIngestHandler } from '../../../functions/handlers/ingest-handler.js';
import { createReconcileHandler } from '../../../functions/handlers/reconcile-handler.js';
import { FileArtifactSource } from '../../../functions/adapters/file-artifact-source.js';
import { FileCheckpointStorage } from '../../../functions/adapters/file-checkpoint-storage.js';
import { METRIC } from '../../../lib/metric-names.js';
import { startS3rver, type LocalS3 } from '../../support/s3rver.js';
import { clusterDoc, DIRECTORY, jobDoc, startHarness, type Harness } from '../api/harness.js';
import { jobYaml, s3Event, teamKey } from '../ingest/fixtures.js';
import { flinkStub } from '../core/operations/harness.js';
import { resourcesOf, synthesize, type SynthesizedFjc } from './synth.js';

let api: Harness;
let s3: LocalS3;
let fjc: SynthesizedFjc;
beforeAll(async () => {
  [api, s3] = await Promise.all([startHarness(), startS3rver()]);
  fjc = synthesize({
    'fjc:apiTeams': JSON.stringify(DIRECTORY),
    'fjc:teamAlarmEmails': JSON.stringify({ payments: 'payments-oncall@example.com' }),
  });
}, 120_000);
afterAll(async () => {
  vi.unstubAllEnvs();
  await Promise.all([api.stop(), s3.stop()]);
});

interface Emf {
  _aws: {
    CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[];
  };
  [key: string]: unknown;
}

/** Runs `work` and returns the EMF documents written to stdout meanwhile. */
async function emitted(work: () => Promise<unknown>): Promise<Emf[]> {
  const lines: string[] = [];
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: unknown) => {
    lines.push(String(chunk));
    return true;
  });
  try {
    await work();
  } finally {
    write.mockRestore();
  }
  return lines
    .flatMap((chunk) => chunk.split('\n'))
    .filter((line) => line.includes('"_aws"'))
    .map((line) => JSON.parse(line) as Emf);
}

/** The metric a CloudWatch alarm would see from one EMF document: name → value, with dimensions. */
function teamMetrics(docs: Emf[]) {
  return docs.flatMap((doc) =>
    doc._aws.CloudWatchMetrics.flatMap((directive) =>
      directive.Dimensions.filter((set) => set.includes('team')).flatMap((set) =>
        directive.Metrics.map((m) => ({
          namespace: directive.Namespace,
          name: m.Name,
          dimensions: Object.fromEntries(set.map((d) => [d, doc[d]])),
          value: doc[m.Name],
        })),
      ),
    ),
  );
}

describe('per-team routing through the API and S3 ingest', () => {
  it('a job of each door raises its own team metric, which only its team alarm selects and routes to its topic', async () => {
    // Door 1: the API, as alice of team payments.
    expect((await api.call('PUT', '/v1/clusters/eu-1', { body: clusterDoc() })).status).toBe(201);
    const put = await api.call('PUT', '/v1/jobs/pay-stream', {
      as: 'alice',
      body: jobDoc('pay-stream', 'payments'),
    });
    expect(put.status, put.text).toBe(201);

    // Door 2: S3 ingest, a file under team search's prefix, into the same table.
    const ingest = createIngestHandler({
      ...createObservability('ingest-test'),
      context: () =>
        Promise.resolve({
          store: api.store,
          objects: new S3SpecObjects(s3.client),
          now: () => new Date(),
          bucket: s3.bucket,
        }),
    });
    const key = teamKey('search', 'search-index.yaml');
    await s3.client.send(
      new PutObjectCommand({
        Bucket: s3.bucket,
        Key: key,
        Body: jobYaml('search-index', 'eu-1', '', 'search'),
      }),
    );
    expect(await ingest(s3Event('Object Created', s3.bucket, key))).toMatchObject({
      status: 'applied',
    });
    expect((await api.store.getJob('search-index'))?.team).toBe('search');

    // A cycle an hour later: neither job ever ran (Flink lists nothing), so both are overdue.
    // The test setup disables metrics output; this test reads exactly that output.
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
    const observability = createObservability('reconcile-test');
    const later = new Date(Date.now() + 60 * 60_000);
    const context: ControlContext & { stateMachine: StateMachinePort } = {
      store: api.store,
      flink: () => Promise.resolve(flinkStub()),
      savepointDirectory: () => Promise.resolve('file:///savepoints'),
      artifacts: new FileArtifactSource('/nonexistent'),
      checkpoints: new FileCheckpointStorage(),
      now: () => later,
      newId: () => 'f'.repeat(32),
      stateMachine: { start: () => Promise.resolve() },
    };
    const reconcile = createReconcileHandler({
      ...observability,
      context: () => Promise.resolve(context),
      notRunningLimitMs: 15 * 60_000,
    });
    const metrics = teamMetrics(await emitted(() => reconcile({ id: 'tick-1' })));
    vi.unstubAllEnvs();
    const notRunning = metrics.filter((m) => m.name === METRIC.JobsNotRunningTooLong);
    expect(notRunning).toEqual(
      expect.arrayContaining([
        {
          namespace: 'fjc',
          name: 'JobsNotRunningTooLong',
          dimensions: { service: 'fjc', team: 'payments' },
          value: 1,
        },
        {
          namespace: 'fjc',
          name: 'JobsNotRunningTooLong',
          dimensions: { service: 'fjc', team: 'search' },
          value: 1,
        },
      ]),
    );
    expect(notRunning).toHaveLength(2);

    // Each emitted team metric is selected by exactly one alarm: its team's, notifying its topic.
    const template = fjc.controlPlaneTemplate;
    const alarms = Object.values(resourcesOf(template, 'AWS::CloudWatch::Alarm'));
    const topics = resourcesOf(template, 'AWS::SNS::Topic');
    const topicOf = (team: string) =>
      Object.entries(topics).find(
        ([, t]) => t.Properties?.DisplayName === `fjc alarms of team ${team}`,
      )?.[0];
    for (const metric of notRunning) {
      const selecting = alarms.filter(
        (a) =>
          a.Properties?.Namespace === metric.namespace &&
          a.Properties.MetricName === metric.name &&
          JSON.stringify(
            (a.Properties.Dimensions as { Name: string; Value: string }[])
              .map((d) => [d.Name, d.Value])
              .sort(),
          ) === JSON.stringify(Object.entries(metric.dimensions).sort()),
      );
      expect(selecting, JSON.stringify(metric.dimensions)).toHaveLength(1);
      const team = String(metric.dimensions.team);
      expect(selecting[0]?.Properties?.AlarmActions).toEqual([{ Ref: topicOf(team) }]);
      expect(selecting[0]?.Properties?.Threshold).toBe(0);
      expect(selecting[0]?.Properties?.ComparisonOperator).toBe('GreaterThanThreshold');
    }
    // payments' on-call is subscribed to payments' topic only.
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'payments-oncall@example.com',
      TopicArn: { Ref: topicOf('payments') },
    });
    template.resourcePropertiesCountIs(
      'AWS::SNS::Subscription',
      { TopicArn: { Ref: topicOf('search') } },
      0,
    );
  }, 120_000);
});

describe('per-team topics', () => {
  it('one per team, encrypted with the alarm key, exported for a pager to subscribe', () => {
    const template = fjc.controlPlaneTemplate;
    const topics = Object.values(resourcesOf(template, 'AWS::SNS::Topic'));
    expect(topics.map((t) => t.Properties?.DisplayName).sort()).toEqual([
      'fjc alarms',
      'fjc alarms of team payments',
      'fjc alarms of team search',
    ]);
    const keys = new Set(topics.map((t) => JSON.stringify(t.Properties?.KmsMasterKeyId)));
    expect(keys.size).toBe(1);
    const outputs = JSON.stringify(template.toJSON());
    for (const team of ['payments', 'search'])
      expect(outputs).toContain(`"Name":"FjcControlPlane-TeamAlarmTopic-${team}"`);
  });

  it('refuses fjc:teamAlarmEmails naming a team fjc:apiTeams does not have, or a bad address', () => {
    const teams = JSON.stringify(DIRECTORY);
    expect(() =>
      synthesize({ 'fjc:apiTeams': teams, 'fjc:teamAlarmEmails': '{"ghosts":"a@example.com"}' }),
    ).toThrow(/names team "ghosts", which fjc:apiTeams does not have/);
    expect(() =>
      synthesize({ 'fjc:apiTeams': teams, 'fjc:teamAlarmEmails': '{"search":"not-a-mail"}' }),
    ).toThrow(/fjc:teamAlarmEmails.search must be an email address/);
    expect(() => synthesize({ 'fjc:apiTeams': teams, 'fjc:teamAlarmEmails': '[' })).toThrow(
      /must be JSON/,
    );
  });
});
