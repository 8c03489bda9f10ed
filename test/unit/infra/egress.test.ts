import { beforeAll, describe, expect, it } from 'vitest';
import { functionsByHandler, synthesize, type SynthesizedFjc } from './synth.js';

/**
 * The egress policy of a deployment comes from CDK context and reaches exactly the functions
 * that talk to Flink. In Lambda no Flink runs on loopback (the runtime API does), so the stack
 * denies loopback unless the context says otherwise.
 */
const FLINK_FACING = ['reconcile', 'deploy', 'verify'];

function variables(fjc: SynthesizedFjc, handler: string): Record<string, unknown> {
  const fn = functionsByHandler(fjc.controlPlaneTemplate)[handler];
  if (fn === undefined) throw new Error(`no ${handler} function`);
  const environment = fn.resource.Properties?.Environment as
    { Variables: Record<string, unknown> } | undefined;
  return environment?.Variables ?? {};
}

let defaults: SynthesizedFjc;
beforeAll(() => {
  defaults = synthesize();
});

describe('egress policy in the stack', () => {
  it('denies loopback by default, to the Flink-facing functions only', () => {
    for (const handler of FLINK_FACING) {
      expect(variables(defaults, handler).FJC_EGRESS_DENY).toBe('127.0.0.0/8,::1');
      expect(variables(defaults, handler).FJC_EGRESS_ALLOW).toBeUndefined();
    }
    for (const handler of ['ingest', 'api']) {
      expect(variables(defaults, handler).FJC_EGRESS_DENY).toBeUndefined();
      expect(variables(defaults, handler).FJC_EGRESS_ALLOW).toBeUndefined();
    }
  });

  it('passes fjc:egressAllow and fjc:egressDeny through, as strings or lists', () => {
    const configured = synthesize({
      'fjc:egressAllow': ['10.0.0.0/8', '*.flink.example.com'],
      'fjc:egressDeny': '10.9.0.0/16',
    });
    for (const handler of FLINK_FACING)
      expect(variables(configured, handler)).toMatchObject({
        FJC_EGRESS_ALLOW: '10.0.0.0/8,*.flink.example.com',
        FJC_EGRESS_DENY: '10.9.0.0/16',
      });
  });

  it.each([
    [{ 'fjc:egressAllow': '10.0.0.1/8' }, /fjc:egressAllow.*10\.0\.0\.1\/8.*host bits/],
    [{ 'fjc:egressDeny': 'http://x' }, /fjc:egressDeny.*http:\/\/x/],
    [{ 'fjc:egressDeny': 42 }, /fjc:egressDeny must be/],
  ])('fails the synth on a bad rule, naming the key (%j)', (context, message) => {
    expect(() => synthesize(context)).toThrow(message);
  });
});
