import { beforeAll, describe, expect, it } from 'vitest';
import {
  FLINK_TRANSIENT_ERRORS,
  LAMBDA_SERVICE_ERRORS,
} from '../../../lib/constructs/control-loop-state-machine.js';
import { synthesizeControlLoopDefinition } from '../../../lib/synth-definition.js';
import { resourcesOf, synthesize, type SynthesizedFjc, defined } from './synth.js';

interface State {
  Type: string;
  Next?: string;
  Resource?: string;
  Retry?: {
    ErrorEquals: string[];
    IntervalSeconds: number;
    MaxAttempts: number;
    BackoffRate: number;
    JitterStrategy?: string;
  }[];
  Catch?: { ErrorEquals: string[]; ResultPath: string; Next: string }[];
  [field: string]: unknown;
}
interface Definition {
  StartAt: string;
  States: Record<string, State>;
  TimeoutSeconds?: number;
  QueryLanguage?: string;
}

let fjc: SynthesizedFjc;
let asl: Definition;
let inner: Record<string, State>;
beforeAll(() => {
  fjc = synthesize();
  asl = synthesizeControlLoopDefinition() as Definition;
  inner = (asl.States.RunActions?.ItemProcessor as Definition).States;
});

const lambdaArn = (name: string) => `arn:aws:lambda:local:000000000000:function:${name}`;

describe('the state machine resource', () => {
  it('is a STANDARD machine with tracing, logging ALL to its log group, and a timeout', () => {
    const machines = Object.values(
      resourcesOf(fjc.controlPlaneTemplate, 'AWS::StepFunctions::StateMachine'),
    );
    expect(machines).toHaveLength(1);
    expect(machines[0]?.Properties).toMatchObject({
      StateMachineType: 'STANDARD',
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: {
        Level: 'ALL',
        IncludeExecutionData: true,
        Destinations: [
          {
            CloudWatchLogsLogGroup: {
              LogGroupArn: { 'Fn::GetAtt': [expect.stringMatching(/^ControlLoopLogs/), 'Arn'] },
            },
          },
        ],
      },
    });
    fjc.controlPlaneTemplate.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
    expect(asl.TimeoutSeconds).toBe(3600);
  });

  it('may invoke only the deploy and verify functions', () => {
    const policies = resourcesOf(fjc.controlPlaneTemplate, 'AWS::IAM::Policy');
    const machinePolicy = Object.entries(policies).find(([id]) =>
      id.startsWith('ControlLoopStateMachineRole'),
    )?.[1];
    const invoke = (
      machinePolicy?.Properties?.PolicyDocument as {
        Statement: { Action: unknown; Resource: unknown }[];
      }
    ).Statement.filter((s) => s.Action === 'lambda:InvokeFunction');
    const text = JSON.stringify(invoke);
    expect(text).toMatch(/DeployFunction/);
    expect(text).toMatch(/VerifyFunction/);
    expect(text).not.toMatch(/ReconcileFunction|IngestFunction|ApiFunction/);
  });
});

describe('the rendered ASL (synthesizeControlLoopDefinition)', () => {
  it('is plain JSONPath: no JSONata, no Assign, no variables', () => {
    const text = JSON.stringify(asl);
    expect(asl.QueryLanguage ?? 'JSONPath').toBe('JSONPath');
    expect(text).not.toMatch(/JSONata|"Assign"|"Arguments"|"Output"|\{%/);
  });

  it('maps $.actions inline with the configured concurrency and item selector', () => {
    expect(asl.StartAt).toBe('RunActions');
    const map = defined(asl.States.RunActions, 'RunActions');
    expect(map).toMatchObject({
      Type: 'Map',
      ItemsPath: '$.actions',
      MaxConcurrency: 10,
      ItemSelector: { 'action.$': '$$.Map.Item.Value', 'correlationId.$': '$.correlationId' },
      ResultPath: null,
      ItemProcessor: { ProcessorConfig: { Mode: 'INLINE' }, StartAt: 'Step' },
    });
    expect(asl.States[defined(map.Next, 'Next')]?.Type).toBe('Succeed');
  });

  it('takes MaxConcurrency and the timeout from context', () => {
    const other = synthesizeControlLoopDefinition({
      context: { 'fjc:maxConcurrency': 3, 'fjc:executionTimeoutSeconds': 900 },
    }) as Definition;
    expect(other.States.RunActions?.MaxConcurrency).toBe(3);
    expect(other.TimeoutSeconds).toBe(900);
  });

  it('runs Step → Route → (Step | Pause → Verify → Route | Done | Recorded | RecordFailure)', () => {
    expect(inner.Step).toMatchObject({
      Type: 'Task',
      Resource: lambdaArn('deploy'),
      Next: 'Route',
    });
    expect(inner.Step).not.toHaveProperty('Parameters');
    expect(inner.Route).toEqual({
      Type: 'Choice',
      Choices: [
        { Variable: '$.next', StringEquals: 'step', Next: 'Step' },
        { Variable: '$.next', StringEquals: 'wait', Next: 'Pause' },
        { Variable: '$.next', StringEquals: 'done', Next: 'Done' },
        { Variable: '$.next', StringEquals: 'failed', Next: 'Recorded' },
      ],
      Default: 'RecordFailure',
    });
    expect(inner.Pause).toEqual({ Type: 'Wait', SecondsPath: '$.waitSeconds', Next: 'Verify' });
    expect(inner.Verify).toMatchObject({
      Type: 'Task',
      Resource: lambdaArn('verify'),
      Next: 'Route',
    });
    expect(inner.Done).toEqual({ Type: 'Succeed' });
    expect(inner.Recorded).toEqual({ Type: 'Succeed' });
    expect(inner.RecordFailure).toMatchObject({
      Type: 'Task',
      Resource: lambdaArn('deploy'),
      Next: 'Recorded',
    });
    expect(inner.Unrecorded?.Type).toBe('Fail');
  });

  it('passes the whole state to and from every Lambda (payloadResponseOnly)', () => {
    for (const state of Object.values(inner).filter((s) => s.Type === 'Task'))
      for (const field of ['Parameters', 'InputPath', 'OutputPath', 'ResultPath', 'ResultSelector'])
        expect(state).not.toHaveProperty(field);
  });

  it('retries Lambda service errors on every Task, and Flink errors on Step and Verify', () => {
    const lambdaRetry = {
      ErrorEquals: LAMBDA_SERVICE_ERRORS,
      IntervalSeconds: 2,
      MaxAttempts: 4,
      BackoffRate: 2,
      JitterStrategy: 'FULL',
    };
    const flinkRetry = {
      ErrorEquals: FLINK_TRANSIENT_ERRORS,
      IntervalSeconds: 5,
      MaxAttempts: 3,
      BackoffRate: 2,
    };
    const tasks = Object.entries(inner).filter(([, s]) => s.Type === 'Task');
    expect(tasks.map(([name]) => name).sort()).toEqual(['RecordFailure', 'Step', 'Verify']);
    for (const [name, state] of tasks)
      expect(state.Retry).toEqual(
        name === 'RecordFailure' ? [lambdaRetry] : [lambdaRetry, flinkRetry],
      );
  });

  it('catches everything on every Task: into RecordFailure, and from there into Unrecorded', () => {
    for (const name of ['Step', 'Verify'])
      expect(inner[name]?.Catch).toEqual([
        { ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: 'RecordFailure' },
      ]);
    expect(inner.RecordFailure?.Catch).toEqual([
      { ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: 'Unrecorded' },
    ]);
  });

  it('has one Fail state only, Unrecorded', () => {
    const fails = Object.entries({ ...asl.States, ...inner }).filter(([, s]) => s.Type === 'Fail');
    expect(fails.map(([name]) => name)).toEqual(['Unrecorded']);
  });
});
