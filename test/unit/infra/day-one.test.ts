import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { functionReaders, synthesize, type SynthesizedFjc } from './synth.js';

/**
 * Day one: a deployment without admins says so loudly at synth, and the deploy function's
 * artifact limit and /tmp follow `fjc:artifactMaxMb`.
 */
const ADMINS = JSON.stringify({ admins: ['arn:aws:sts::123456789012:assumed-role/admin/*'] });

const noAdminWarning = (fjc: SynthesizedFjc) =>
  Annotations.fromStack(fjc.controlPlane).findWarning(
    '*',
    Match.stringLikeRegexp('fjc:apiTeams names no admins'),
  );

let defaults: SynthesizedFjc;
let configured: SynthesizedFjc;
beforeAll(() => {
  defaults = synthesize();
  configured = synthesize({ 'fjc:artifactMaxMb': 3000, 'fjc:apiTeams': ADMINS });
});

describe('day-one settings at synth', () => {
  it('warns when the team directory has no admins, and not when it has one', () => {
    expect(noAdminWarning(defaults)).toHaveLength(1);
    expect(noAdminWarning(configured)).toHaveLength(0);
  });

  it('sizes the deploy function for the artifact limit', () => {
    const set = functionReaders(() => configured.controlPlaneTemplate);
    expect(set.env('deploy')).toMatchObject({ FJC_ARTIFACT_MAX_MB: '3000' });
    expect(set.props('deploy').EphemeralStorage).toEqual({ Size: 3512 });
    const byDefault = functionReaders(() => defaults.controlPlaneTemplate);
    expect(byDefault.env('deploy')).toMatchObject({ FJC_ARTIFACT_MAX_MB: '1536' });
    expect(byDefault.props('deploy').EphemeralStorage).toEqual({ Size: 2048 });
  });

  it('refuses a limit /tmp cannot hold, naming the key', () => {
    expect(() => synthesize({ 'fjc:artifactMaxMb': 10_000 })).toThrow(/fjc:artifactMaxMb/);
  });
});
