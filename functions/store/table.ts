import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { ATTR, INDEX, LISTING_ATTRIBUTES } from './keys.js';

/**
 * The single DynamoDB table of fjc. One definition serves CreateTable on dynalite (tests, local
 * runtime) and the CDK stack, so the schema cannot drift between them.
 *
 * Items (`pk` / `sk`):
 * | item          | pk                           | sk                              | indexes                                 |
 * |---------------|------------------------------|---------------------------------|-----------------------------------------|
 * | job           | `JOB#<name>`                 | `JOB`                           | gsi1, gsi2, gsi3 + gsi4 (`JOBS#<nn>`)   |
 * | audit entry   | `JOB#<name>`                 | `AUDIT#<ISO time>#<version>`    | — (TTL `expiresAt`)                     |
 * | savepoint     | `JOB#<name>`                 | `SAVEPOINT#<compact time>-<sfx>`| —                                       |
 * | cluster       | `CLUSTER#<name>`             | `CLUSTER`                       | gsi3 (`CLUSTERS`)                       |
 * | idempotency   | `IDEMPOTENCY#<caller>#<key>` | `IDEMPOTENCY`                   | — (TTL `expiresAt`)                     |
 *
 * Access patterns:
 * - get job: GetItem `JOB#<name>` / `JOB` (strongly consistent).
 * - jobs by cluster: Query gsi1 `gsi1pk = CLUSTER#<ref>` (gsi1sk `JOB#<name>`).
 * - jobs by team: Query gsi2 `gsi2pk = TEAM#<team>` (gsi2sk `JOB#<name>`).
 * - all jobs (API listing): Query gsi4 (lean gsi3) `gsi3pk = JOBS#00` … `JOBS#15` in turn; the
 *   cursor carries the shard. Sharded so one index partition does not take every job write of the fleet.
 * - all jobs (reconcile): the same shards read in parallel with a ProjectionExpression of what
 *   the planner needs (planning-reads.ts); specs by BatchGetItem only for hashes not cached.
 * - job history: Query `pk = JOB#<name> AND begins_with(sk, AUDIT#)`, descending.
 * - job savepoints: Query `pk = JOB#<name> AND begins_with(sk, SAVEPOINT#)`, descending.
 * - get cluster: GetItem; list clusters: Query gsi3 `gsi3pk = CLUSTERS`.
 * - idempotency key of an API caller: GetItem / conditional PutItem / DeleteItem.
 *
 * gsi1–gsi3 project ALL attributes so a listing returns whole records without a second read.
 * The price is write amplification: a job write also writes up to three index entries.
 *
 * gsi4 (the all-jobs API listing) has the keys of gsi3 but projects only the listing attributes
 * (`LISTING_ATTRIBUTES`, the status fields copied into a top-level `listing` map by the same
 * PutItem that writes the job): a page of 100 listings reads ~30 KB instead of ~650 KB, in
 * DynamoDB's read units as in the decoding dynalite and the SDK do. Keyed on the gsi3 attributes
 * so DynamoDB backfills it from existing items when it is added, and its cursors are gsi3's.
 * Items written before `listing` existed are in it without that map; the listing reads those few
 * from the table (job-listings.ts) until their next write adds it.
 *
 * Enable TTL on {@link timeToLiveAttribute} (not part of CreateTable; DynamoDB needs a separate
 * UpdateTimeToLive, CDK `timeToLiveAttribute`). Only audit and idempotency items carry that
 * attribute — the job lease expiry is stored as `leaseExpiresAt` precisely so TTL can never
 * delete a job.
 */
export const tableDefinition: Readonly<Omit<CreateTableCommandInput, 'TableName'>> = {
  BillingMode: 'PAY_PER_REQUEST',
  KeySchema: [
    { AttributeName: ATTR.pk, KeyType: 'HASH' },
    { AttributeName: ATTR.sk, KeyType: 'RANGE' },
  ],
  AttributeDefinitions: [
    { AttributeName: ATTR.pk, AttributeType: 'S' },
    { AttributeName: ATTR.sk, AttributeType: 'S' },
    { AttributeName: ATTR.gsi1pk, AttributeType: 'S' },
    { AttributeName: ATTR.gsi1sk, AttributeType: 'S' },
    { AttributeName: ATTR.gsi2pk, AttributeType: 'S' },
    { AttributeName: ATTR.gsi2sk, AttributeType: 'S' },
    { AttributeName: ATTR.gsi3pk, AttributeType: 'S' },
    { AttributeName: ATTR.gsi3sk, AttributeType: 'S' },
  ],
  GlobalSecondaryIndexes: [
    {
      IndexName: INDEX.byCluster,
      KeySchema: [
        { AttributeName: ATTR.gsi1pk, KeyType: 'HASH' },
        { AttributeName: ATTR.gsi1sk, KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'ALL' },
    },
    {
      IndexName: INDEX.byTeam,
      KeySchema: [
        { AttributeName: ATTR.gsi2pk, KeyType: 'HASH' },
        { AttributeName: ATTR.gsi2sk, KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'ALL' },
    },
    {
      IndexName: INDEX.byKind,
      KeySchema: [
        { AttributeName: ATTR.gsi3pk, KeyType: 'HASH' },
        { AttributeName: ATTR.gsi3sk, KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'ALL' },
    },
    {
      IndexName: INDEX.listing,
      KeySchema: [
        { AttributeName: ATTR.gsi3pk, KeyType: 'HASH' },
        { AttributeName: ATTR.gsi3sk, KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: [...LISTING_ATTRIBUTES] },
    },
  ],
};

/** The TTL attribute to enable on the table (epoch seconds; set only on audit items). */
export const timeToLiveAttribute: string = ATTR.ttl;
