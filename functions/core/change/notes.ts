/**
 * What a plan should say beside a change's class when the change puts the job's state at risk:
 * fjc still takes and restores the savepoint, but Flink may not be able to map it onto the new
 * program.
 */
import { jobTypeOf, type FlinkJob } from '../spec/index.js';
import { canonicalJson } from './hash.js';

/**
 * Notes on state compatibility between the last applied spec and the next one; empty when the
 * change is an ordinary one.
 */
export function stateRiskNotes(previous: FlinkJob, next: FlinkJob): string[] {
  const from = jobTypeOf(previous.spec);
  const to = jobTypeOf(next.spec);
  if (from !== to)
    return [
      `the job type changes from ${from} to ${to}: the new program's operators are unlikely to match the savepoint's state; it restores only what matches, and only with restore.allowNonRestoredState true (else the start fails and fjc rolls back)`,
    ];
  if (
    to === 'sql' &&
    canonicalJson(previous.spec.sql ?? null) !== canonicalJson(next.spec.sql ?? null)
  )
    return [
      'the SQL changes: Flink matches state to operators by uid, and the planner derives the uids of a query from its shape, so a changed query may not restore from the savepoint; restore.allowNonRestoredState decides whether unmatched state is dropped or the start fails (and fjc rolls back)',
    ];
  return [];
}
