import { describe, expect, it } from 'vitest';
import { isAtLeast, parseFlinkVersion } from '../../../functions/flink/flink-version.js';
import { jarRunBody } from '../../../functions/flink/run-request.js';

const v = (raw: string) => {
  const version = parseFlinkVersion(raw);
  if (!version) throw new Error(raw);
  return version;
};
const jobId = 'a'.repeat(32);

describe('parseFlinkVersion', () => {
  it('reads releases and snapshots', () => {
    expect(v('2.3.0')).toMatchObject({ major: 2, minor: 3, patch: 0 });
    expect(v('2.3-SNAPSHOT')).toMatchObject({ major: 2, minor: 3, patch: 0 });
    expect(parseFlinkVersion('latest')).toBeUndefined();
  });
  it('compares major.minor', () => {
    expect(isAtLeast(v('1.20.1'), 1, 20)).toBe(true);
    expect(isAtLeast(v('1.19.3'), 1, 20)).toBe(false);
    expect(isAtLeast(v('2.0.0'), 1, 20)).toBe(true);
  });
});

describe('jarRunBody', () => {
  const restore = {
    jobId,
    entryClass: 'dev.fjc.Job',
    args: ['--rate', '5'],
    parallelism: 2,
    savepointPath: 'file:/sp/1',
    claimMode: 'NO_CLAIM' as const,
    flinkConfiguration: { 'pipeline.name': 'x' },
  };

  it('uses claimMode from 1.20 and programArgsList only', () => {
    expect(jarRunBody(v('2.3.0'), restore)).toEqual({
      jobId,
      entryClass: 'dev.fjc.Job',
      programArgsList: ['--rate', '5'],
      parallelism: 2,
      savepointPath: 'file:/sp/1',
      allowNonRestoredState: false,
      claimMode: 'NO_CLAIM',
      flinkConfiguration: { 'pipeline.name': 'x' },
    });
  });

  it('uses restoreMode before 1.20', () => {
    const body = jarRunBody(v('1.19.1'), restore);
    expect(body.restoreMode).toBe('NO_CLAIM');
    expect(body).not.toHaveProperty('claimMode');
  });

  it('sends no restore fields without a savepoint and no empty configuration', () => {
    expect(jarRunBody(v('2.3.0'), { jobId, claimMode: 'CLAIM', flinkConfiguration: {} })).toEqual({
      jobId,
    });
  });
});
