import { describe, expect, it } from 'vitest';
import { submitSql } from '../../../../functions/core/operations/submission/sql.js';
import {
  SqlGatewayMissingError,
  type ArtifactStream,
  type ControlContext,
  type FlinkPort,
  type SqlScript,
  type SqlSubmitRequest,
} from '../../../../functions/core/ports/index.js';
import { parseSpecDocuments, type FlinkJob } from '../../../../functions/core/spec/index.js';

const SHA = 'b'.repeat(64);

function sqlJob(program: string): FlinkJob {
  const result = parseSpecDocuments(
    `apiVersion: fjc.dev/v1
kind: FlinkJob
metadata: { name: clicks }
spec:
  team: data
  clusterRef: eu-1
${program}`,
    { filename: 'clicks.yaml' },
  );
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.documents[0] as FlinkJob;
}

function context(withGateway = true) {
  const calls: { cluster: string; script: SqlScript; request: SqlSubmitRequest }[] = [];
  const opened: { uri: string; sha256: string | undefined }[] = [];
  const artifact: ArtifactStream = { path: '/tmp/job.sql' };
  const ctx = {
    artifacts: {
      open: (uri: string, sha256?: string) => {
        opened.push({ uri, sha256 });
        return Promise.resolve(artifact);
      },
    },
    ...(withGateway
      ? {
          sqlGateway: (cluster: string) =>
            Promise.resolve({
              submit: (script: SqlScript, request: SqlSubmitRequest) => {
                calls.push({ cluster, script, request });
                return Promise.resolve({ jobId: request.jobId });
              },
            }),
        }
      : {}),
  } as unknown as ControlContext;
  return { ctx, calls, opened, artifact };
}

const flink = {} as FlinkPort;
const JOB_ID = '0123456789abcdef0123456789abcdef';

describe('submitSql', () => {
  it('submits inline statements under the job id, name, restore point and configuration', async () => {
    const { ctx, calls } = context();
    await submitSql(ctx, flink, sqlJob('  sql: { statements: "INSERT INTO a SELECT 1;" }\n'), {
      jobId: JOB_ID,
      parallelism: 2,
      savepointPath: 'file:///sp/savepoint-1',
      allowNonRestoredState: true,
      claimMode: 'NO_CLAIM',
      flinkConfiguration: { 'pipeline.name': 'clicks', 'state.backend.type': 'rocksdb' },
    });
    expect(calls).toEqual([
      {
        cluster: 'eu-1',
        script: { text: 'INSERT INTO a SELECT 1;' },
        request: {
          jobId: JOB_ID,
          jobName: 'clicks',
          savepointPath: 'file:///sp/savepoint-1',
          allowNonRestoredState: true,
          configuration: {
            'parallelism.default': '2',
            'pipeline.name': 'clicks',
            'state.backend.type': 'rocksdb',
          },
        },
      },
    ]);
  });

  it('opens a .sql artifact through the artifacts port with its digest', async () => {
    const { ctx, calls, opened, artifact } = context();
    await submitSql(
      ctx,
      flink,
      sqlJob(`  sql: { artifact: { uri: jobs/clicks.sql, sha256: ${SHA} } }\n`),
      { jobId: JOB_ID },
    );
    expect(opened).toEqual([{ uri: 'jobs/clicks.sql', sha256: SHA }]);
    expect(calls[0]?.script).toEqual({ artifact });
    expect(calls[0]?.request).toEqual({ jobId: JOB_ID, jobName: 'clicks', configuration: {} });
  });

  it('refuses when the context has no SQL Gateway, naming the cluster', async () => {
    const { ctx } = context(false);
    const error: unknown = await submitSql(
      ctx,
      flink,
      sqlJob('  sql: { statements: "INSERT INTO a SELECT 1;" }\n'),
      { jobId: JOB_ID },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SqlGatewayMissingError);
    expect((error as Error).message).toContain('eu-1');
  });
});
