import { describe, expect, it, vi } from 'vitest';
import { ConfigurationError, ValidationError } from '../../../functions/commons/errors.js';
import { awsIngestContext } from '../../../functions/runtime/aws-ingest-runtime.js';
import { handler } from '../../../functions/handlers/ingest.js';

describe('the ingest Lambda composition', () => {
  it('needs the table and the bucket, then builds its ports once', async () => {
    await expect(awsIngestContext({ FJC_TABLE_NAME: 'fjc' })).rejects.toThrow(ConfigurationError);
    const env = { FJC_TABLE_NAME: 'fjc', FJC_BUCKET_NAME: 'fjc-specs', AWS_REGION: 'eu-west-1' };
    const context = await awsIngestContext(env);
    expect(context.bucket).toBe('fjc-specs');
    expect(context.now()).toBeInstanceOf(Date);
    expect(await awsIngestContext(env)).toBe(context);
  });

  it('takes the quotas of the team directory (FJC_API_TEAMS), the one place the API reads too', async () => {
    vi.resetModules();
    const fresh = await import('../../../functions/runtime/aws-ingest-runtime.js');
    const context = await fresh.awsIngestContext({
      FJC_TABLE_NAME: 'fjc',
      FJC_BUCKET_NAME: 'fjc-specs',
      AWS_REGION: 'eu-west-1',
      FJC_API_TEAMS: JSON.stringify({ quotas: { payments: { maxJobs: 1 } } }),
    });
    expect(context.quotas).toEqual({ payments: { maxJobs: 1 } });
    vi.resetModules();
    const wrong = await import('../../../functions/runtime/aws-ingest-runtime.js');
    await expect(
      wrong.awsIngestContext({
        FJC_TABLE_NAME: 'fjc',
        FJC_BUCKET_NAME: 'fjc-specs',
        FJC_API_TEAMS: JSON.stringify({ quotas: { payments: { maxJobs: -1 } } }),
      }),
    ).rejects.toThrow(/quotas\.payments\.maxJobs/);
  });

  it('refuses a malformed event before touching AWS', async () => {
    await expect(handler({ id: 'e-1' })).rejects.toThrow(ValidationError);
  });
});
