import { describe, expect, it } from 'vitest';
import { SpecCache } from '../../../../functions/core/plan/spec-cache.js';
import { job, snapshot } from './fixtures.js';

const a = snapshot(job({ parallelism: 1 }));
const b = snapshot(job({ parallelism: 2 }));
const c = snapshot(job({ parallelism: 3 }));

describe('SpecCache', () => {
  it('parses a miss once and answers the hit from memory', () => {
    const cache = new SpecCache(10);
    expect(cache.get(a.specHash)).toBeUndefined();
    const first = cache.parse(a.specHash, a.spec);
    expect(first).toMatchObject({ ok: true, job: { spec: { parallelism: 1 } } });
    expect(cache.parses).toBe(1);
    // A hit does not look at what is passed: the hash stands for the spec.
    const second = cache.parse(a.specHash, {});
    expect(second).toEqual(first);
    expect(cache.get(a.specHash)).toBe(first.ok ? first.job : undefined);
    expect(cache.parses).toBe(1);
  });

  it('holds at most maxEntries, dropping the least recently used', () => {
    const cache = new SpecCache(2);
    cache.parse(a.specHash, a.spec);
    cache.parse(b.specHash, b.spec);
    cache.get(a.specHash); // a is now more recent than b
    cache.parse(c.specHash, c.spec);
    expect(cache.size).toBe(2);
    expect(cache.has(a.specHash)).toBe(true);
    expect(cache.has(b.specHash)).toBe(false);
    expect(cache.has(c.specHash)).toBe(true);
  });

  it('says why a spec does not parse, and does not cache it', () => {
    const cache = new SpecCache(10);
    const outcome = cache.parse('h', { kind: 'FlinkJob' });
    expect(outcome.ok).toBe(false);
    expect(outcome.ok ? '' : outcome.reason).not.toBe('');
    expect(cache.has('h')).toBe(false);
    expect(cache.size).toBe(0);
  });

  it('refuses a bound that is not a positive integer', () => {
    expect(() => new SpecCache(0)).toThrow(RangeError);
  });
});
