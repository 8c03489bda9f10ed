import { beforeAll, describe, expect, it } from 'vitest';
import {
  functionReaders,
  liveAliasOf,
  resourcesOf,
  synthesize,
  type Statement,
  type SynthesizedFjc,
} from './synth.js';

const HANDLERS = ['reconcile', 'deploy', 'verify', 'ingest', 'api'] as const;

let fjc: SynthesizedFjc;
beforeAll(() => {
  fjc = synthesize({
    'fjc:secretPrefix': 'fjc/',
    'fjc:jobNotRunningMinutes': 20,
    'fjc:leaseTtlSeconds': 45,
  });
});

const { props, env, statementsOf } = functionReaders(() => fjc.controlPlaneTemplate);
const actionsOf = (s: Statement) => (Array.isArray(s.Action) ? s.Action : [s.Action]);

describe.each(HANDLERS)('the %s function', (handler) => {
  it('runs Node.js 22 on arm64 with X-Ray active', () => {
    expect(props(handler)).toMatchObject({
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      TracingConfig: { Mode: 'Active' },
    });
  });

  it('logs to its own log group with a retention', () => {
    const logGroup = (props(handler).LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;
    const groups = resourcesOf(fjc.controlPlaneTemplate, 'AWS::Logs::LogGroup');
    expect(groups[logGroup]?.Properties?.RetentionInDays).toBe(30);
  });

  it('configures Powertools and the table', () => {
    expect(env(handler)).toMatchObject({
      POWERTOOLS_SERVICE_NAME: 'fjc',
      POWERTOOLS_METRICS_NAMESPACE: 'fjc',
      LOG_LEVEL: 'INFO',
      FJC_AUDIT_RETENTION_DAYS: '400',
    });
    expect(env(handler).FJC_TABLE_NAME).toBeDefined();
  });

  it('has a role without managed policies, writing only to its own log group', () => {
    const role = (props(handler).Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    const roleProps = resourcesOf(fjc.controlPlaneTemplate, 'AWS::IAM::Role')[role]?.Properties;
    expect(roleProps?.ManagedPolicyArns).toBeUndefined();
    const logs = statementsOf(handler).filter((s) =>
      actionsOf(s).some((a) => a.startsWith('logs:')),
    );
    expect(logs).toHaveLength(1);
    expect(logs[0]?.Resource).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/Logs/), 'Arn'] });
  });

  it('never gets a wildcard service action or secrets on Resource "*"', () => {
    for (const statement of statementsOf(handler)) {
      for (const action of actionsOf(statement)) expect(action).not.toMatch(/^[a-z0-9-]+:\*$/);
      if (actionsOf(statement).some((a) => a.startsWith('secretsmanager:')))
        expect(statement.Resource).not.toBe('*');
    }
  });
});

describe('sizing', () => {
  it('gives reconcile the memory (and so the CPU) a 10,000-job cycle needs', () => {
    expect(props('reconcile').MemorySize).toBe(1024);
  });
});

describe('secrets', () => {
  it('are readable by reconcile, deploy and verify only, GetSecretValue on the prefix only', () => {
    for (const handler of HANDLERS) {
      const secretStatements = statementsOf(handler).filter((s) =>
        actionsOf(s).some((a) => a.startsWith('secretsmanager:')),
      );
      if (['reconcile', 'deploy', 'verify'].includes(handler)) {
        expect(secretStatements).toEqual([
          {
            Effect: 'Allow',
            Action: 'secretsmanager:GetSecretValue',
            Resource: {
              'Fn::Join': [
                '',
                [
                  'arn:',
                  { Ref: 'AWS::Partition' },
                  ':secretsmanager:',
                  { Ref: 'AWS::Region' },
                  ':',
                  { Ref: 'AWS::AccountId' },
                  ':secret:fjc/*',
                ],
              ],
            },
          },
        ]);
        expect(env(handler).FJC_SECRET_PREFIX).toBe('fjc/');
      } else {
        expect(secretStatements).toEqual([]);
        expect(env(handler).FJC_SECRET_PREFIX).toBeUndefined();
      }
    }
  });

  it('follows the fjc:secretPrefix context', () => {
    const other = synthesize({ 'fjc:secretPrefix': 'team-a/fjc/' });
    const json = JSON.stringify(other.controlPlaneTemplate.toJSON());
    expect(json).toContain(':secret:team-a/fjc/*');
    expect(json).not.toContain(':secret:fjc/*');
  });

  it('are never created by the stacks', () => {
    fjc.controlPlaneTemplate.resourceCountIs('AWS::SecretsManager::Secret', 0);
    fjc.statefulTemplate.resourceCountIs('AWS::SecretsManager::Secret', 0);
  });
});

describe('per-function settings', () => {
  it('reconcile: concurrency 5 (cycle + event path), 60 s, starts the state machine through its alias, knows the alarm threshold', () => {
    expect(props('reconcile')).toMatchObject({ ReservedConcurrentExecutions: 5, Timeout: 60 });
    const stateMachineRef = {
      'Fn::GetAtt': [expect.stringMatching(/^ControlLoopReleaseAlias/) as unknown, 'Arn'],
    };
    expect(env('reconcile').FJC_STATE_MACHINE_ARN).toEqual(stateMachineRef);
    expect(env('reconcile').FJC_JOB_NOT_RUNNING_MINUTES).toBe('20');
    const start = statementsOf('reconcile').filter((s) =>
      actionsOf(s).includes('states:StartExecution'),
    );
    expect(start).toHaveLength(1);
    expect(start[0]?.Resource).toEqual(stateMachineRef);
  });

  it('reconcile, deploy and verify lease jobs for the configured time-to-live', () => {
    for (const fn of ['reconcile', 'deploy', 'verify'])
      expect(env(fn).FJC_LEASE_TTL_SECONDS).toBe('45');
  });

  it('ingest: one at a time, writes its result objects under results/ and nowhere else', () => {
    expect(props('ingest')).toMatchObject({ ReservedConcurrentExecutions: 1 });
    const writes = statementsOf('ingest').filter((s) => actionsOf(s).includes('s3:PutObject'));
    expect(writes).toHaveLength(1);
    expect(JSON.stringify(writes[0]?.Resource)).toContain('/results/*');
    for (const handler of ['reconcile', 'deploy', 'verify', 'api'])
      expect(statementsOf(handler).some((s) => actionsOf(s).includes('s3:PutObject'))).toBe(false);
  });

  it('api: gets its team directory from fjc:apiTeams, checked at synth', () => {
    const teams = {
      admins: ['arn:aws:iam::111122223333:role/platform-admin'],
      teams: { payments: ['arn:aws:sts::111122223333:assumed-role/payments-ci/*'] },
    };
    const other = synthesize({ 'fjc:apiTeams': JSON.stringify(teams) });
    const api = Object.values(
      resourcesOf(other.controlPlaneTemplate, 'AWS::Lambda::Function'),
    ).find(
      (f) =>
        (f.Properties?.Environment as { Variables?: Record<string, string> } | undefined)?.Variables
          ?.FJC_API_TEAMS !== undefined,
    );
    expect(
      JSON.parse(
        (api?.Properties?.Environment as { Variables: Record<string, string> }).Variables
          .FJC_API_TEAMS ?? '',
      ),
      // Normalized at synth: the optional quotas are written out empty.
    ).toEqual({ ...teams, quotas: {} });
    expect(() => synthesize({ 'fjc:apiTeams': '{"teams":{"Bad Team":[]}}' })).toThrow(
      /fjc:apiTeams/,
    );
  });

  it('only reconcile may start the state machine', () => {
    for (const handler of HANDLERS.filter((h) => h !== 'reconcile'))
      expect(statementsOf(handler).flatMap(actionsOf)).not.toContain('states:StartExecution');
  });

  it('deploy: 5 minutes, 2 GiB /tmp for JARs, reads artifacts/ of the bucket only', () => {
    expect(props('deploy').Timeout).toBe(300);
    expect(props('deploy').EphemeralStorage).toEqual({ Size: 2048 });
    expect(env('deploy').FJC_BUCKET_NAME).toEqual({ 'Fn::ImportValue': 'FjcStateful-BucketName' });
    const objectReads = statementsOf('deploy').filter((s) =>
      actionsOf(s).includes('s3:GetObject*'),
    );
    expect(JSON.stringify(objectReads)).toContain('/artifacts/*');
    expect(statementsOf('deploy').flatMap(actionsOf)).not.toContain('s3:PutObject');
  });

  it('verify: 60 s', () => {
    expect(props('verify').Timeout).toBe(60);
  });

  it('ingest reads specs/ only; api has no bucket access', () => {
    expect(JSON.stringify(statementsOf('ingest'))).toContain('/specs/*');
    expect(JSON.stringify(statementsOf('ingest'))).not.toContain('/artifacts/*');
    expect(
      statementsOf('api')
        .flatMap(actionsOf)
        .filter((a) => a.startsWith('s3:')),
    ).toEqual([]);
  });

  it('async functions (reconcile, ingest) have a dead-letter queue; sync ones do not', () => {
    for (const handler of HANDLERS) {
      const dlq = props(handler).DeadLetterConfig;
      if (handler === 'reconcile' || handler === 'ingest') expect(dlq).toBeDefined();
      else expect(dlq).toBeUndefined();
    }
    // Per qualifier in Lambda: the function ($LATEST) and its live alias, which callers invoke.
    const aliasOf = (handler: string) => liveAliasOf(fjc.controlPlaneTemplate, handler);
    fjc.controlPlaneTemplate.resourceCountIs('AWS::Lambda::EventInvokeConfig', 4);
    fjc.controlPlaneTemplate.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      Qualifier: { 'Fn::Select': [7, { 'Fn::Split': [':', { Ref: aliasOf('reconcile') }] }] },
      MaximumRetryAttempts: 0,
      MaximumEventAgeInSeconds: 60,
    });
    fjc.controlPlaneTemplate.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      Qualifier: { 'Fn::Select': [7, { 'Fn::Split': [':', { Ref: aliasOf('ingest') }] }] },
      MaximumRetryAttempts: 2,
      MaximumEventAgeInSeconds: 3600,
    });
  });

  it('all dead-letter queues are encrypted and TLS-only', () => {
    const queues = resourcesOf(fjc.controlPlaneTemplate, 'AWS::SQS::Queue');
    expect(Object.keys(queues)).toHaveLength(4);
    for (const queue of Object.values(queues))
      expect(queue.Properties?.SqsManagedSseEnabled).toBe(true);
    fjc.controlPlaneTemplate.resourceCountIs('AWS::SQS::QueuePolicy', 4);
    expect(
      JSON.stringify(fjc.controlPlaneTemplate.findResources('AWS::SQS::QueuePolicy')),
    ).toContain('"aws:SecureTransport":"false"');
  });
});
