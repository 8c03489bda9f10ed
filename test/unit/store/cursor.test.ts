import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor, pageLimit } from '../../../functions/store/cursor.js';
import {
  InvalidPageRequestError,
  VersionConflictError,
} from '../../../functions/core/ports/index.js';
import { itemToJob } from '../../../functions/store/items.js';
import { requireJsonObject } from '../../../functions/store/validate.js';
import { CorruptItemError } from '../../../functions/core/ports/index.js';

const single = {
  keyAttributes: ['pk', 'sk', 'gsi1pk', 'gsi1sk'],
  partitionAttribute: 'gsi1pk',
  partitionValue: () => 'CLUSTER#eu-1',
};
const encoded = (payload: unknown) => Buffer.from(JSON.stringify(payload)).toString('base64url');

describe('cursor', () => {
  it('round-trips any key of the expected partition', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.string({ minLength: 1 }), (pk, sk) => {
        const key = { pk, sk, gsi1pk: 'CLUSTER#eu-1', gsi1sk: sk };
        expect(decodeCursor(encodeCursor({ key }), single)).toEqual({ key });
      }),
    );
  });

  it('refuses malformed keys and foreign fields', () => {
    for (const payload of [
      { v: 1 },
      { v: 1, k: [] },
      { v: 1, k: 'x' },
      { v: 1, s: 0, k: { pk: 'a', sk: 'b', gsi1pk: 'CLUSTER#eu-1', gsi1sk: 'c' } },
      { v: 1, k: { pk: 'a', sk: 'b', gsi1pk: 'CLUSTER#eu-1', gsi1sk: 1 } },
      { v: 1, k: { pk: 'a', sk: 'b', gsi1pk: 'CLUSTER#eu-1', gsi1sk: '' } },
      { v: 1, k: { pk: 'a', sk: 'b', gsi1pk: 'CLUSTER#eu-2', gsi1sk: 'c' } },
      null,
    ]) {
      expect(() => decodeCursor(encoded(payload), single)).toThrow(InvalidPageRequestError);
    }
    expect(() => decodeCursor('x'.repeat(5000), single)).toThrow(/cursor/);
  });

  it('validates limits', () => {
    expect(pageLimit(undefined)).toBe(100);
    expect(pageLimit(1000)).toBe(1000);
    expect(() => pageLimit(Number.NaN)).toThrow(InvalidPageRequestError);
  });
});

describe('store internals', () => {
  it('renders conflicts with the current version', () => {
    expect(new VersionConflictError('lost', { version: 3, generation: 2 }).toJSON()).toEqual({
      name: 'VersionConflictError',
      code: 'VERSION_CONFLICT',
      message: 'lost',
      remedy: 'Read the record again and retry your change.',
      currentVersion: 3,
      currentGeneration: 2,
    });
    expect(new VersionConflictError('gone', {}).toJSON()).not.toHaveProperty('currentVersion');
  });

  it('reports a stored spec that is not a JSON object', () => {
    const item = {
      pk: 'JOB#x',
      name: 'x',
      team: 't',
      clusterRef: 'c',
      specJson: '[1,2]',
      specHash: 'h',
      generation: 1,
      version: 1,
      createdAt: 'a',
      updatedAt: 'a',
      status: { phase: 'PENDING', attempt: 0 },
    };
    expect(() => itemToJob(item)).toThrow(CorruptItemError);
    expect(() => itemToJob({ ...item, specJson: '{' })).toThrow(/specJson/);
  });

  it('refuses values JSON cannot serialize', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => {
      requireJsonObject(cyclic, 'spec', 1000);
    }).toThrow(/serializable/);
  });
});
