/**
 * The audit actor of changes made by ingest: the object version that caused them and, when the
 * event names one, who uploaded or deleted it.
 */
import type { SpecObjectChange } from './event.js';

/** The store accepts actors of at most 200 characters (they are part of audit items). */
export const MAX_ACTOR_LENGTH = 200;

/** Control characters are legal in S3 keys but not in actors (nor readable in logs). */
function printable(text: string): string {
  return text.replace(/\p{Cc}/gu, '?');
}

/**
 * `s3://bucket/key@versionId by requester` (`@versionId` only on versioned buckets, `by …` only
 * when the event names a requester). A long key is shortened in the middle, keeping its start
 * (the team folder) and its end (the file name), so the actor always fits the store's limit.
 */
export function sourceActor(
  change: Pick<SpecObjectChange, 'bucket' | 'key' | 'versionId' | 'requester'>,
): string {
  const version = change.versionId === undefined ? '' : `@${change.versionId}`;
  const by = change.requester === undefined ? '' : ` by ${change.requester}`;
  const head = `s3://${change.bucket}/`;
  const suffix = printable(`${version}${by}`).slice(0, MAX_ACTOR_LENGTH / 2);
  const key = printable(change.key);
  const room = MAX_ACTOR_LENGTH - head.length - suffix.length;
  if (key.length <= room) return `${head}${key}${suffix}`;
  const keep = Math.max(room - 1, 0);
  const start = Math.ceil(keep / 2);
  const shortened = `${key.slice(0, start)}…${key.slice(key.length - (keep - start))}`;
  return `${head}${shortened}${suffix}`.slice(0, MAX_ACTOR_LENGTH);
}
