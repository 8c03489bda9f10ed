/**
 * The event path in the template: api and ingest may invoke the reconcile function, and nothing
 * else, and know its name; reconcile has room for targeted runs next to the scheduled cycle.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { functionReaders, liveAliasOf, synthesize, type SynthesizedFjc } from './synth.js';

let fjc: SynthesizedFjc;
beforeAll(() => {
  fjc = synthesize();
});

const { props, env, statementsOf } = functionReaders(() => fjc.controlPlaneTemplate);
const invokes = (handler: string) =>
  statementsOf(handler).filter((s) =>
    (Array.isArray(s.Action) ? s.Action : [s.Action]).some((a) => a.startsWith('lambda:')),
  );

describe('the event path', () => {
  it.each(['api', 'ingest'])(
    '%s may invoke the live alias of reconcile only (no other version, no wildcard) and knows it',
    (handler) => {
      const alias = liveAliasOf(fjc.controlPlaneTemplate, 'reconcile');
      const probe = liveAliasOf(fjc.controlPlaneTemplate, 'deploy', 'probe');
      // `<function name>:live`, which Lambda's Invoke accepts as FunctionName.
      expect(env(handler).FJC_RECONCILE_FUNCTION).toEqual({
        'Fn::Join': ['', [{ 'Fn::Select': [6, { 'Fn::Split': [':', { Ref: alias }] }] }, ':live']],
      });
      // Beside it, the api invokes deploy's probe alias only (cluster-probe.test.ts).
      expect(
        invokes(handler).filter(
          (s) => JSON.stringify(s.Resource) !== JSON.stringify({ Ref: probe }),
        ),
      ).toEqual([{ Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: { Ref: alias } }]);
    },
  );

  it.each(['reconcile', 'deploy', 'verify'])('%s invokes no function', (handler) => {
    expect(invokes(handler)).toEqual([]);
    expect(env(handler).FJC_RECONCILE_FUNCTION).toBeUndefined();
  });

  it('reconcile has room for targeted runs beside the scheduled cycle', () => {
    expect(props('reconcile').ReservedConcurrentExecutions).toBeGreaterThan(1);
  });
});
