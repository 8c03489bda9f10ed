import { beforeAll, describe, expect, it } from 'vitest';
import { liveAliasOf, resourcesOf, synthesize, type SynthesizedFjc, defined } from './synth.js';

let fjc: SynthesizedFjc;
beforeAll(() => {
  fjc = synthesize();
});

const rules = (f: SynthesizedFjc) =>
  Object.values(resourcesOf(f.controlPlaneTemplate, 'AWS::Events::Rule'));
interface Target {
  Arn: unknown;
  DeadLetterConfig?: { Arn: unknown };
  RetryPolicy?: Record<string, number>;
}
const targetOf = (rule: ReturnType<typeof rules>[number]) =>
  defined((rule.Properties?.Targets as Target[])[0], 'target');
// Rules target the `live` alias, so a release reaches the events as CodeDeploy shifts it.
const arnOf = (f: SynthesizedFjc, handler: string) => ({
  Ref: liveAliasOf(f.controlPlaneTemplate, handler),
});

describe('reconcile schedule', () => {
  const schedule = (f: SynthesizedFjc) =>
    defined(
      rules(f).find((r) => r.Properties?.ScheduleExpression !== undefined),
      'schedule rule',
    );

  it('runs reconcile every minute by default', () => {
    const rule = schedule(fjc);
    expect(rule.Properties?.ScheduleExpression).toBe('rate(1 minute)');
    expect(targetOf(rule).Arn).toEqual(arnOf(fjc, 'reconcile'));
  });

  it('follows fjc:reconcileIntervalMinutes', () => {
    const other = synthesize({ 'fjc:reconcileIntervalMinutes': '5' });
    expect(schedule(other).Properties?.ScheduleExpression).toBe('rate(5 minutes)');
  });

  it('has a dead-letter queue and a retry policy bounded by one interval', () => {
    const target = targetOf(schedule(fjc));
    expect(target.DeadLetterConfig?.Arn).toEqual({
      'Fn::GetAtt': [expect.stringMatching(/^ScheduleDeadLetters/), 'Arn'],
    });
    expect(target.RetryPolicy).toEqual({ MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 60 });
  });

  it('rejects a bad interval', () => {
    expect(() => synthesize({ 'fjc:reconcileIntervalMinutes': 0 })).toThrow(/positive integer/);
  });
});

describe('spec ingest', () => {
  const ingestRule = () =>
    defined(
      rules(fjc).find((r) => r.Properties?.EventPattern !== undefined),
      'ingest rule',
    );

  it('sends S3 Object Created/Deleted under specs/ of the spec bucket to ingest', () => {
    const rule = ingestRule();
    expect(rule.Properties?.EventPattern).toEqual({
      source: ['aws.s3'],
      'detail-type': ['Object Created', 'Object Deleted'],
      detail: {
        bucket: { name: [{ 'Fn::ImportValue': 'FjcStateful-BucketName' }] },
        object: { key: [{ prefix: 'specs/' }] },
      },
    });
    expect(targetOf(rule).Arn).toEqual(arnOf(fjc, 'ingest'));
  });

  it('has a dead-letter queue and a retry policy on the target', () => {
    const target = targetOf(ingestRule());
    expect(target.DeadLetterConfig?.Arn).toEqual({
      'Fn::GetAtt': [expect.stringMatching(/^SpecIngestDeadLetters/), 'Arn'],
    });
    expect(target.RetryPolicy).toEqual({ MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 7200 });
  });

  it('lets only EventBridge rules invoke reconcile and ingest', () => {
    const permissions = Object.values(
      resourcesOf(fjc.controlPlaneTemplate, 'AWS::Lambda::Permission'),
    );
    for (const handler of ['reconcile', 'ingest']) {
      const mine = permissions.filter(
        (p) => JSON.stringify(p.Properties?.FunctionName) === JSON.stringify(arnOf(fjc, handler)),
      );
      expect(mine.map((p) => p.Properties?.Principal)).toEqual(['events.amazonaws.com']);
    }
  });
});
