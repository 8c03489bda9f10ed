import { describe, expect, it } from 'vitest';
import { flinkJobSchema } from '../../../functions/core/spec/index.js';
import { specWarnings } from '../../../functions/core/spec/warnings.js';

const job = (spec: Record<string, unknown>) =>
  flinkJobSchema.parse({
    apiVersion: 'fjc.dev/v1',
    kind: 'FlinkJob',
    metadata: { name: 'orders' },
    spec: {
      team: 'payments',
      clusterRef: 'eu-1',
      artifact: { uri: 's3://bucket/app.jar' },
      ...spec,
    },
  });

describe('specWarnings', () => {
  it.each(['0', '0 ms', '-1', '0s'])(
    'warns when execution.checkpointing.interval %j disables checkpointing the gate needs',
    (interval) => {
      const warnings = specWarnings(
        job({ flinkConfiguration: { 'execution.checkpointing.interval': interval } }),
      );
      expect(warnings).toEqual([
        {
          path: 'spec.flinkConfiguration.execution.checkpointing.interval',
          message: expect.stringMatching(
            /disables checkpointing.*minCompletedCheckpoints/,
          ) as string,
        },
      ]);
    },
  );

  it('names both restore sources when a spec sets restore.from and initialSavepointPath', () => {
    const restore = {
      initialSavepointPath: 's3://bucket/seed',
      from: { path: 's3://bucket/chosen', nonce: 1 },
    };
    expect(specWarnings(job({ restore }))).toEqual([
      {
        path: 'spec.restore.initialSavepointPath',
        message: expect.stringMatching(
          /restore\.from \(s3:\/\/bucket\/chosen\).*not from s3:\/\/bucket\/seed/,
        ) as string,
      },
    ]);
    expect(specWarnings(job({ restore: { from: restore.from } }))).toEqual([]);
    const byId = { ...restore, from: { savepointId: '20260101T000000000Z-a', nonce: 1 } };
    expect(specWarnings(job({ restore: byId }))[0]?.message).toContain(
      'restore.from (savepoint 20260101T000000000Z-a)',
    );
  });

  it('says nothing when checkpointing is on, or the gate needs no checkpoints', () => {
    expect(
      specWarnings(job({ flinkConfiguration: { 'execution.checkpointing.interval': '10 s' } })),
    ).toEqual([]);
    expect(
      specWarnings(
        job({
          flinkConfiguration: { 'execution.checkpointing.interval': '0' },
          stabilityGate: { minCompletedCheckpoints: 0 },
        }),
      ),
    ).toEqual([]);
    // Absent, the job's code may enable it (the example job does): nothing to say for sure.
    expect(specWarnings(job({}))).toEqual([]);
  });
});
