import { describe, expect, it } from 'vitest';
import { MAX_ACTOR_LENGTH, sourceActor } from '../../../functions/ingest/actor.js';
import { unquoteEtag } from '../../../functions/core/ports/index.js';
import { keyCandidates, parseSpecObjectEvent } from '../../../functions/ingest/event.js';
import {
  compareSequencers,
  readStoredResult,
  resultKeyFor,
} from '../../../functions/ingest/result.js';
import { s3Event } from './fixtures.js';

describe('parseSpecObjectEvent', () => {
  it('picks out the change of an S3 EventBridge notification', () => {
    const event = s3Event('Object Created', 'bucket', 'specs/a.yaml', {
      size: 12,
      etag: 'abc',
      versionId: 'v1',
      sequencer: '00AB',
    });
    expect(parseSpecObjectEvent(event)).toEqual({
      eventId: event.id,
      change: 'created',
      bucket: 'bucket',
      key: 'specs/a.yaml',
      size: 12,
      etag: 'abc',
      versionId: 'v1',
      sequencer: '00AB',
      requester: '111122223333',
    });
    expect(
      parseSpecObjectEvent(
        s3Event('Object Deleted', 'bucket', 'specs/a.yaml', { sequencer: '01' }),
      ),
    ).toMatchObject({ change: 'deleted', deletionType: 'Permanently Deleted' });
  });

  it('lists every problem with its path in the event', () => {
    const event = s3Event('Object Created', 'bucket', 'specs/a.yaml');
    event.source = 'aws.ec2';
    (event.detail as { object: Record<string, unknown> }).object.sequencer = 'xyz';
    (event.detail as { bucket: Record<string, unknown> }).bucket.name = '';
    expect(() => parseSpecObjectEvent(event)).toThrow(
      expect.objectContaining({
        remedy: expect.stringContaining('S3 EventBridge notifications') as string,
        issues: [
          { path: 'source', message: 'must be "aws.s3"' },
          { path: 'detail.bucket.name', message: 'must be a non-empty string' },
          { path: 'detail.object.sequencer', message: 'must be hexadecimal' },
        ],
      }),
    );
  });
});

describe('keys', () => {
  it('tries the key as given, then URL-decoded', () => {
    expect(keyCandidates('specs/a.yaml')).toEqual(['specs/a.yaml']);
    expect(keyCandidates('specs/my+file%2B1.yaml')).toEqual([
      'specs/my+file%2B1.yaml',
      'specs/my file+1.yaml',
    ]);
    expect(keyCandidates('specs/100%.yaml')).toEqual(['specs/100%.yaml']);
  });

  it('puts results next to the spec under results/', () => {
    expect(resultKeyFor('specs/team/a.yaml')).toBe('results/team/a.yaml.result.json');
    expect(() => resultKeyFor('other/a.yaml')).toThrow(RangeError);
  });

  it('compares ETags without quotes', () => {
    expect(unquoteEtag('"abc"')).toBe('abc');
    expect(unquoteEtag('abc')).toBe('abc');
  });
});

describe('compareSequencers', () => {
  it('orders hexadecimal sequencers of different lengths', () => {
    expect(compareSequencers('0055', 'FF')).toBe(-1);
    expect(compareSequencers('100', 'ff')).toBe(1);
    expect(compareSequencers('00ab', 'AB')).toBe(0);
  });
});

describe('readStoredResult', () => {
  it('accepts a result ingest wrote and nothing else', () => {
    const stored = { source: { sequencer: '01' }, status: 'applied', declared: [] };
    expect(readStoredResult(stored)).toEqual(stored);
    expect(readStoredResult({ status: 'applied' })).toBeUndefined();
  });
});

describe('sourceActor', () => {
  it('names the object version and the requester', () => {
    expect(
      sourceActor({ bucket: 'b', key: 'specs/a.yaml', versionId: 'v1', requester: '123' }),
    ).toBe('s3://b/specs/a.yaml@v1 by 123');
    expect(sourceActor({ bucket: 'b', key: 'specs/a\u0007.yaml' })).toBe('s3://b/specs/a?.yaml');
  });

  it('shortens a long key in the middle to fit the store', () => {
    const key = `specs/team/${'x'.repeat(300)}/fleet.yaml`;
    const actor = sourceActor({ bucket: 'b', key, versionId: 'v'.repeat(32), requester: '123' });
    expect(actor).toHaveLength(MAX_ACTOR_LENGTH);
    expect(actor).toMatch(/^s3:\/\/b\/specs\/team\/x+…x+\/fleet\.yaml@v{32} by 123$/);
  });
});
