/**
 * The cluster probe in the template: the api invokes the deploy function's `probe` alias (the
 * Flink-facing function that may read the checkpoint locations), that alias only, and knows it.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  defined,
  functionReaders,
  functionsByHandler,
  liveAliasOf,
  resourcesOf,
  synthesize,
  type SynthesizedFjc,
} from './synth.js';

let fjc: SynthesizedFjc;
beforeAll(() => {
  fjc = synthesize();
});

const { env, statementsOf } = functionReaders(() => fjc.controlPlaneTemplate);
const invokes = (handler: string) =>
  statementsOf(handler).filter((s) =>
    (Array.isArray(s.Action) ? s.Action : [s.Action]).some((a) => a.startsWith('lambda:')),
  );

describe('the cluster probe', () => {
  it('the api may invoke the probe alias of deploy (no other version, no wildcard) and knows it', () => {
    const alias = liveAliasOf(fjc.controlPlaneTemplate, 'deploy', 'probe');
    expect(env('api').FJC_PROBE_FUNCTION).toEqual({
      'Fn::Join': ['', [{ 'Fn::Select': [6, { 'Fn::Split': [':', { Ref: alias }] }] }, ':probe']],
    });
    expect(invokes('api')).toContainEqual({
      Effect: 'Allow',
      Action: 'lambda:InvokeFunction',
      Resource: { Ref: alias },
    });
    // The reconcile alias (event path) and this one: nothing else.
    expect(invokes('api')).toHaveLength(2);
    expect(env('ingest').FJC_PROBE_FUNCTION).toBeUndefined();
  });

  it('the probe alias is the version of deploy the control loop pins: the code executions run', () => {
    const template = fjc.controlPlaneTemplate;
    const alias = resourcesOf(template, 'AWS::Lambda::Alias')[
      liveAliasOf(template, 'deploy', 'probe')
    ];
    const version = (alias?.Properties?.FunctionVersion as { 'Fn::GetAtt': [string, string] })[
      'Fn::GetAtt'
    ][0];
    const deploy = defined(functionsByHandler(template).deploy, 'deploy').logicalId;
    expect(
      resourcesOf(template, 'AWS::Lambda::Version')[version]?.Properties?.FunctionName,
    ).toEqual({ Ref: deploy });
    expect(JSON.stringify(resourcesOf(template, 'AWS::StepFunctions::StateMachine'))).toContain(
      version,
    );
  });
});
