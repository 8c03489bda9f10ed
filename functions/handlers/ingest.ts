/**
 * Lambda `ingest` (EventBridge rule on the spec bucket): a spec file created under `specs/` is
 * validated as a whole and stored as desired state; a deleted one has its jobs deleted by their
 * deletion policy. Outcomes go to `results/<key>.result.json` next to the spec.
 */
import { createObservability } from '../commons/observability.js';
import { awsIngestContext } from '../runtime/aws-ingest-runtime.js';
import { createIngestHandler } from './ingest-handler.js';

const observability = createObservability('ingest');

export const handler = createIngestHandler({
  ...observability,
  context: () => awsIngestContext(process.env, observability),
});
