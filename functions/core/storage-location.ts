/**
 * Savepoint and checkpoint locations as people and Flink write them. Flink prints a local path
 * with one slash (`file:/tmp/sp`), people and most tools write three (`file:///tmp/sp`); both
 * name the same directory. The spec keeps a location as written (its hash and what `fjc get`
 * shows do not change under the user), and every comparison of two locations goes through
 * {@link sameStorageLocation}, so a catalog lookup finds an entry whichever spelling it was
 * recorded or asked with.
 */

/** A URI with a scheme Flink's file systems know, written with `//` (s3://, hdfs://, file:///). */
export const STORAGE_SCHEME = /^(s3|s3a|s3p|gs|hdfs|abfss?|wasbs?|oss|file):\/\/\S+$/;

/** A local path as Flink prints it: `file:/` and a first segment (never `file:` + relative). */
export const FLINK_LOCAL_FILE = /^file:\/[^/\s]\S*$/;

/** A path without a scheme; Flink resolves it against the cluster's default file system. */
export const ABSOLUTE_PATH = /^\/\S*$/;

/** Whether `value` is a location the spec accepts. */
export function isStorageLocation(value: string): boolean {
  return STORAGE_SCHEME.test(value) || FLINK_LOCAL_FILE.test(value) || ABSOLUTE_PATH.test(value);
}

/**
 * The one spelling of a location used for comparisons: `file:///x` and `file://localhost/x`
 * become Flink's `file:/x`; anything else is left as it is. A bare `/x` stays distinct: it means
 * the cluster's default file system, which need not be the local one.
 */
export function canonicalStorageLocation(location: string): string {
  const local = /^file:\/\/(?:localhost)?(\/[^/].*)$/.exec(location);
  return local ? `file:${local[1] ?? ''}` : location;
}

/** Whether two locations name the same directory; an absent location matches nothing. */
export function sameStorageLocation(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined) return false;
  return canonicalStorageLocation(a) === canonicalStorageLocation(b);
}
