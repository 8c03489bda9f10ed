/** The lineage every new catalog entry records: where its state came from and what wrote it. */
import type { SavepointJobType, SavepointRecord } from './model/index.js';
import { sameStorageLocation } from './storage-location.js';
import { jobTypeOf as programTypeOf, programDigestOf, type FlinkJob } from './spec/index.js';

/** The kind of program a spec runs. */
export function jobTypeOf(spec: FlinkJob): SavepointJobType {
  return programTypeOf(spec.spec);
}

/** The lineage fields of an entry taken from a job running `spec`, started from `restoredFrom`. */
export function lineageOf(
  spec: FlinkJob,
  restoredFrom: string | undefined,
  catalog: readonly Pick<SavepointRecord, 'id' | 'path'>[],
  flinkVersion: string | undefined,
): Pick<
  SavepointRecord,
  'jobType' | 'artifactDigest' | 'restoredFrom' | 'parentId' | 'flinkVersion'
> {
  const digest = programDigestOf(spec.spec);
  const parent =
    restoredFrom === undefined
      ? undefined
      : catalog.find((s) => sameStorageLocation(s.path, restoredFrom))?.id;
  return {
    jobType: jobTypeOf(spec),
    ...(digest === undefined ? {} : { artifactDigest: digest }),
    ...(restoredFrom === undefined ? {} : { restoredFrom }),
    ...(parent === undefined ? {} : { parentId: parent }),
    ...(flinkVersion === undefined ? {} : { flinkVersion }),
  };
}
