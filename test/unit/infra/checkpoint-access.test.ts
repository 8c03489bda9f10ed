/**
 * `fjc:checkpointLocations`: deploy and verify (the functions that find the newest completed
 * checkpoint) may list and probe the clusters' checkpoint/savepoint directories, and nothing else
 * may; without the key nobody gets any access outside the fjc bucket.
 */
import { describe, expect, it } from 'vitest';
import { createFjcApp } from '../../../lib/fjc-app.js';
import { defined, functionReaders, synthesize } from './synth.js';

const actionsOf = (s: { Action: string | string[] }) =>
  Array.isArray(s.Action) ? s.Action : [s.Action];

describe('fjc:checkpointLocations', () => {
  it('lets deploy and verify list the prefix and read its objects; reconcile, ingest and api nothing', () => {
    const fjc = synthesize({ 'fjc:checkpointLocations': 'flink-state-eu/checkpoints,flink-other' });
    const { statementsOf } = functionReaders(() => fjc.controlPlaneTemplate);
    const touching = (handler: string) =>
      statementsOf(handler).filter((s) => JSON.stringify(s.Resource).includes('flink-'));
    for (const handler of ['deploy', 'verify']) {
      const statements = touching(handler);
      // One GetObject over both locations, one prefix-conditioned ListBucket per bucket.
      expect(statements).toHaveLength(3);
      const gets = statements.filter((s) => actionsOf(s).includes('s3:GetObject'));
      expect(gets.map(actionsOf)).toEqual([['s3:GetObject']]);
      expect(JSON.stringify(gets[0]?.Resource)).toContain(':s3:::flink-state-eu/checkpoints/*');
      expect(JSON.stringify(gets[0]?.Resource)).toContain(':s3:::flink-other/*');
      const lists = statements.filter((s) => actionsOf(s).includes('s3:ListBucket'));
      expect(lists.map(actionsOf)).toEqual([['s3:ListBucket'], ['s3:ListBucket']]);
      expect(JSON.stringify(lists[0])).toContain('{"StringLike":{"s3:prefix":["checkpoints/*"]}}');
      expect(JSON.stringify(lists[1])).toContain('{"StringLike":{"s3:prefix":["*"]}}');
    }
    for (const handler of ['reconcile', 'ingest', 'api']) expect(touching(handler)).toEqual([]);
  });

  it('refuses a location that is not bucket[/prefix]', () => {
    expect(() => synthesize({ 'fjc:checkpointLocations': 's3://flink-state' })).toThrow(
      /fjc:checkpointLocations must hold bucket or bucket\/prefix/,
    );
  });

  it('is cdk-nag clean, each wildcard acknowledged for its own location', () => {
    const fjc = createFjcApp({
      context: { 'fjc:bundle': false, 'fjc:checkpointLocations': ['flink-state-eu/checkpoints'] },
    });
    const report = defined(fjc.nag, 'nag').validateScope(fjc.app);
    expect(report.violations.map((v) => v.ruleName)).toEqual([]);
  });
});
