import { beforeAll, describe, expect, it } from 'vitest';
import { METRIC, METRICS_NAMESPACE } from '../../../lib/metric-names.js';
import { resourcesOf, synthesize, type Resource, type SynthesizedFjc, defined } from './synth.js';

let fjc: SynthesizedFjc;
beforeAll(() => {
  fjc = synthesize({ 'fjc:alarmEmail': 'oncall@example.com', 'fjc:reconcileIntervalMinutes': 2 });
});

const alarms = () => resourcesOf(fjc.controlPlaneTemplate, 'AWS::CloudWatch::Alarm');
const alarm = (idPrefix: string): Resource => {
  const found = Object.entries(alarms()).filter(([id]) => id.startsWith(`Alarms${idPrefix}`));
  expect(found, idPrefix).toHaveLength(1);
  return defined(found[0], idPrefix)[1];
};
const topicRef = () => {
  const topics = Object.keys(resourcesOf(fjc.controlPlaneTemplate, 'AWS::SNS::Topic'));
  expect(topics).toHaveLength(1);
  return { Ref: topics[0] };
};

describe('alarm topic', () => {
  it('is encrypted with a rotating customer managed key that CloudWatch may use', () => {
    const keys = Object.entries(resourcesOf(fjc.controlPlaneTemplate, 'AWS::KMS::Key'));
    expect(keys).toHaveLength(1);
    const [keyId, key] = defined(keys[0], 'key');
    expect(key.Properties?.EnableKeyRotation).toBe(true);
    expect(JSON.stringify(key.Properties?.KeyPolicy)).toContain('cloudwatch.amazonaws.com');
    fjc.controlPlaneTemplate.hasResourceProperties('AWS::SNS::Topic', {
      KmsMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] },
    });
  });

  it('only accepts TLS', () => {
    const policies = Object.values(resourcesOf(fjc.controlPlaneTemplate, 'AWS::SNS::TopicPolicy'));
    expect(JSON.stringify(policies)).toContain('"aws:SecureTransport":"false"');
  });

  it('mails fjc:alarmEmail, and nobody when it is not set', () => {
    fjc.controlPlaneTemplate.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'oncall@example.com',
    });
    synthesize().controlPlaneTemplate.resourceCountIs('AWS::SNS::Subscription', 0);
  });
});

describe('alarms', () => {
  const expectAlarm = (id: string, expected: Record<string, unknown>) => {
    const props = alarm(id).Properties ?? {};
    expect(props, id).toMatchObject(expected);
    expect(props.AlarmActions, id).toEqual([topicRef()]);
  };
  const overZero = {
    ComparisonOperator: 'GreaterThanThreshold',
    Threshold: 0,
    EvaluationPeriods: 1,
  };

  it('reconcile errors > 0', () => {
    expectAlarm('ReconcileErrors', { ...overZero, MetricName: 'Errors', Namespace: 'AWS/Lambda' });
  });

  it('missed reconcile cycles: < 1 invocation in 2 intervals, missing data breaches', () => {
    expectAlarm('ReconcileMissedCycles', {
      MetricName: 'Invocations',
      ComparisonOperator: 'LessThanThreshold',
      Threshold: 1,
      Period: 240,
      TreatMissingData: 'breaching',
    });
  });

  it('state machine executions failed or timed out > 0', () => {
    expectAlarm('ExecutionsFailed', {
      ...overZero,
      MetricName: 'ExecutionsFailed',
      Namespace: 'AWS/States',
    });
    expectAlarm('ExecutionsTimedOut', {
      ...overZero,
      MetricName: 'ExecutionsTimedOut',
      Namespace: 'AWS/States',
    });
  });

  it.each([METRIC.Rollbacks, METRIC.JobsNotRunningTooLong, METRIC.SavepointOverdue])(
    'custom metric %s > 0 (namespace fjc, service=fjc)',
    (name) => {
      expectAlarm(name, {
        ...overZero,
        MetricName: name,
        Namespace: METRICS_NAMESPACE,
        Dimensions: [{ Name: 'service', Value: 'fjc' }],
      });
    },
  );

  it('a job waiting for a restore point > 0 (JobsByPhase, phase NEEDS_RESTORE_POINT)', () => {
    expectAlarm('JobsNeedRestorePoint', {
      ...overZero,
      MetricName: METRIC.JobsByPhase,
      Namespace: METRICS_NAMESPACE,
      Statistic: 'Maximum',
    });
    const dimensions = alarm('JobsNeedRestorePoint').Properties?.Dimensions as unknown[];
    expect(dimensions).toEqual(
      expect.arrayContaining([
        { Name: 'service', Value: 'fjc' },
        { Name: 'phase', Value: 'NEEDS_RESTORE_POINT' },
      ]),
    );
  });

  it('every dead-letter queue has messages visible > 0', () => {
    const queues = Object.keys(resourcesOf(fjc.controlPlaneTemplate, 'AWS::SQS::Queue'));
    const dlqAlarms = Object.values(alarms()).filter(
      (a) => a.Properties?.MetricName === 'ApproximateNumberOfMessagesVisible',
    );
    expect(dlqAlarms).toHaveLength(queues.length);
    const watched = dlqAlarms.map(
      (a) =>
        (a.Properties?.Dimensions as { Value: { 'Fn::GetAtt': string[] } }[])[0]?.Value[
          'Fn::GetAtt'
        ][0],
    );
    expect(new Set(watched)).toEqual(new Set(queues));
    for (const a of dlqAlarms) expect(a.Properties).toMatchObject(overZero);
  });

  it('API 5XX errors > 0', () => {
    expectAlarm('Api5xx', { ...overZero, MetricName: '5XXError', Namespace: 'AWS/ApiGateway' });
  });
});

describe('dashboard', () => {
  const body = () => {
    const dashboards = Object.values(
      resourcesOf(fjc.controlPlaneTemplate, 'AWS::CloudWatch::Dashboard'),
    );
    expect(dashboards).toHaveLength(1);
    return JSON.stringify(dashboards[0]?.Properties?.DashboardBody);
  };

  it('shows every fleet metric of lib/metric-names.ts except the alarm-only ones', () => {
    const alarmOnly = new Set<string>([METRIC.JobsNotRunningTooLong, METRIC.SavepointOverdue]);
    for (const name of Object.values(METRIC).filter((n) => !alarmOnly.has(n)))
      expect(body(), name).toContain(name);
  });

  it('shows Lambda, state machine and API metrics', () => {
    for (const name of [
      'AWS/Lambda',
      'Duration',
      'ExecutionsStarted',
      '4XXError',
      '5XXError',
      'Latency',
    ])
      expect(body(), name).toContain(name);
  });
});
