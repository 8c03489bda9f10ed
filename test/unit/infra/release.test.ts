/**
 * fjc's own releases: every function invoked through a `live` alias that CodeDeploy shifts
 * gradually and rolls back on the function's own alarms; the control loop published as versions
 * behind a `live` alias with the same routing, its definition pinned to exact deploy/verify
 * versions so an execution finishes on the code it started with.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  defined,
  functionsByHandler,
  liveAliasOf,
  resourcesOf,
  synthesize,
  type Resource,
  type SynthesizedFjc,
} from './synth.js';

let fjc: SynthesizedFjc;
beforeAll(() => {
  fjc = synthesize();
});

const template = () => fjc.controlPlaneTemplate;
const only = (resources: Record<string, Resource>, what: string): [string, Resource] => {
  const entries = Object.entries(resources);
  expect(entries, what).toHaveLength(1);
  return defined(entries[0], what);
};

describe('function releases (reconcile, ingest, api)', () => {
  it.each(['reconcile', 'ingest', 'api'])(
    '%s: live alias on the current version, a deployment group that rolls back on its alarms',
    (handler) => {
      const fn = defined(functionsByHandler(template())[handler], handler).logicalId;
      const aliasId = liveAliasOf(template(), handler);
      const alias = defined(resourcesOf(template(), 'AWS::Lambda::Alias')[aliasId], 'alias');
      const version = (alias.Properties?.FunctionVersion as { 'Fn::GetAtt': [string, string] })[
        'Fn::GetAtt'
      ][0];
      expect(resourcesOf(template(), 'AWS::Lambda::Version')[version]?.Properties).toEqual({
        FunctionName: { Ref: fn },
      });
      // Replaced versions go once a release has shifted the alias away from them: nothing but
      // the alias invokes these functions, and a failed release keeps them (no clean-up phase).
      const policies = template().toJSON() as {
        Resources: Record<string, { DeletionPolicy?: string; UpdateReplacePolicy?: string }>;
      };
      expect(policies.Resources[version]?.DeletionPolicy).toBe('Delete');
      expect(policies.Resources[version]?.UpdateReplacePolicy).toBe('Delete');

      // The alias names its deployment group: CloudFormation hands every change of it to CodeDeploy.
      const raw = template().toJSON() as {
        Resources: Record<string, { UpdatePolicy?: Record<string, Record<string, unknown>> }>;
      };
      const update = raw.Resources[aliasId]?.UpdatePolicy?.CodeDeployLambdaAliasUpdate;
      const groupId = (update?.DeploymentGroupName as { Ref: string }).Ref;
      const group = defined(
        resourcesOf(template(), 'AWS::CodeDeploy::DeploymentGroup')[groupId],
        `${handler} deployment group`,
      );
      expect(group.Properties).toMatchObject({
        DeploymentConfigName: 'CodeDeployDefault.LambdaCanary10Percent5Minutes',
        AutoRollbackConfiguration: {
          Enabled: true,
          Events: expect.arrayContaining([
            'DEPLOYMENT_FAILURE',
            'DEPLOYMENT_STOP_ON_ALARM',
          ]) as unknown,
        },
        AlarmConfiguration: { Enabled: true },
      });
      const alarmIds = (
        group.Properties?.AlarmConfiguration as { Alarms: { Name: { Ref: string } }[] }
      ).Alarms.map((a) => a.Name.Ref);
      expect(alarmIds).toHaveLength(2);
      const alarms = alarmIds.map((id) =>
        defined(resourcesOf(template(), 'AWS::CloudWatch::Alarm')[id], id),
      );
      // Both watch the alias (FunctionName + Resource=name:live), so they see both versions.
      for (const alarm of alarms) {
        expect(alarm.Properties).toMatchObject({
          Namespace: 'AWS/Lambda',
          ComparisonOperator: 'GreaterThanThreshold',
          Threshold: 0,
        });
        expect(JSON.stringify(alarm.Properties?.Dimensions)).toContain('"Name":"Resource"');
        expect(JSON.stringify(alarm.Properties?.Dimensions)).toContain(':live');
      }
      expect(alarms.map((a) => a.Properties?.MetricName).sort()).toEqual(['Errors', 'Throttles']);
    },
  );

  it('follows fjc:deployment, and refuses a name it does not know', () => {
    const dev = synthesize({ 'fjc:deployment': 'AllAtOnce' });
    for (const group of Object.values(
      resourcesOf(dev.controlPlaneTemplate, 'AWS::CodeDeploy::DeploymentGroup'),
    ))
      expect(group.Properties?.DeploymentConfigName).toBe('CodeDeployDefault.LambdaAllAtOnce');
    const [, alias] = only(
      resourcesOf(dev.controlPlaneTemplate, 'AWS::StepFunctions::StateMachineAlias'),
      'state machine alias',
    );
    expect(alias.Properties?.DeploymentPreference).toMatchObject({ Type: 'ALL_AT_ONCE' });
    expect(() => synthesize({ 'fjc:deployment': 'YOLO' })).toThrow(
      /fjc:deployment must be one of AllAtOnce, Canary10Percent5Minutes/,
    );
  });
});

describe('control-loop release', () => {
  it('names exact versions of deploy and verify, so an execution finishes on the code it began with', () => {
    const [, machine] = only(
      resourcesOf(template(), 'AWS::StepFunctions::StateMachine'),
      'state machine',
    );
    const definition = JSON.stringify(machine.Properties?.DefinitionString);
    const versions = resourcesOf(template(), 'AWS::Lambda::Version');
    for (const handler of ['deploy', 'verify']) {
      const fn = defined(functionsByHandler(template())[handler], handler).logicalId;
      const version = defined(
        Object.entries(versions).find(
          ([, v]) => JSON.stringify(v.Properties?.FunctionName) === JSON.stringify({ Ref: fn }),
        ),
        `${handler} version`,
      )[0];
      expect(definition).toContain(`{"Ref":"${version}"}`);
      expect(definition).not.toContain(`"${fn}"`);
      // An execution started on an older control-loop version still invokes the older deploy
      // and verify versions, so those are never deleted by a release.
      const raw = template().toJSON() as { Resources: Record<string, { DeletionPolicy?: string }> };
      expect(raw.Resources[version]?.DeletionPolicy, `${handler} version`).toBe('Retain');
    }
  });

  it('publishes a version per revision behind a live alias that shifts like the functions, the replaced one deleted', () => {
    const [versionId, version] = only(
      resourcesOf(template(), 'AWS::StepFunctions::StateMachineVersion'),
      'version',
    );
    expect(version.Properties?.StateMachineRevisionId).toEqual({
      'Fn::GetAtt': [expect.stringMatching(/^ControlLoopStateMachine/), 'StateMachineRevisionId'],
    });
    const raw = template().toJSON() as {
      Resources: Record<string, { DeletionPolicy?: string; UpdateReplacePolicy?: string }>;
    };
    // Deleting a state machine version does not stop its running executions (Step Functions API
    // reference, DeleteStateMachineVersion), so the replaced one is not kept after a release.
    expect(raw.Resources[versionId]?.DeletionPolicy).toBe('Delete');
    expect(raw.Resources[versionId]?.UpdateReplacePolicy).toBe('Delete');

    const [, alias] = only(
      resourcesOf(template(), 'AWS::StepFunctions::StateMachineAlias'),
      'alias',
    );
    expect(alias.Properties).toMatchObject({
      Name: 'live',
      DeploymentPreference: {
        StateMachineVersionArn: { 'Fn::GetAtt': [versionId, 'Arn'] },
        Type: 'CANARY',
        Percentage: 10,
        Interval: 5,
      },
    });
    // Rolled back on the deploy and verify functions' own errors and throttles (every version).
    const alarmIds = (
      alias.Properties?.DeploymentPreference as { Alarms: { Ref: string }[] }
    ).Alarms.map((a) => a.Ref);
    const watched = alarmIds.map((id) => {
      const props = defined(resourcesOf(template(), 'AWS::CloudWatch::Alarm')[id], id).Properties;
      return `${JSON.stringify(props?.Dimensions)} ${String(props?.MetricName)}`;
    });
    for (const handler of ['deploy', 'verify']) {
      const fn = defined(functionsByHandler(template())[handler], handler).logicalId;
      for (const metric of ['Errors', 'Throttles'])
        expect(watched).toContain(`[{"Name":"FunctionName","Value":{"Ref":"${fn}"}}] ${metric}`);
    }
  });
});
