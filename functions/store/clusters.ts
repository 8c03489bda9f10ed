/**
 * Cluster records: one item per cluster, listed through the by-kind index. A cluster is written
 * with one UpdateItem and no read; the version is counted by DynamoDB itself.
 */
import type { ClusterRecord, JsonObject, Page, PageRequest } from '../core/model/index.js';
import type { DynamoTable } from './dynamo/client.js';
import { VersionConflictError } from '../core/ports/index.js';
import { clusterToItem, itemToCluster } from './items.js';
import { CLUSTERS_KIND_PK, clusterKey } from './keys.js';
import { queryIndexPage } from './pages.js';
import { MAX_SPEC_BYTES, requireCount, requireJsonObject, requireName } from './validate.js';

/** The attributes a put writes; the keys are fixed by the name and the version is counted. */
const WRITTEN_FIELDS = ['gsi3pk', 'gsi3sk', 'type', 'name', 'specJson', 'updatedAt'] as const;

/** The clusters jobs are deployed to. */
export class Clusters {
  constructor(
    private readonly table: DynamoTable,
    private readonly clock: () => Date,
  ) {}

  async get(name: string): Promise<ClusterRecord | undefined> {
    requireName(name, 'name');
    const item = await this.table.get(clusterKey(name));
    return item && itemToCluster(item);
  }

  /**
   * Creates (`expectedVersion` 0) or replaces (the version it was read at) a cluster record;
   * without `expectedVersion`, the last writer wins.
   * @throws VersionConflictError when the cluster is not at `expectedVersion`.
   */
  async put(
    cluster: { name: string; spec: JsonObject },
    options: { expectedVersion?: number; now?: Date },
  ): Promise<ClusterRecord> {
    requireName(cluster.name, 'name');
    requireJsonObject(cluster.spec, 'spec', MAX_SPEC_BYTES);
    const expected = options.expectedVersion;
    if (expected !== undefined) requireCount(expected, 'expectedVersion');
    const fields = clusterToItem({
      name: cluster.name,
      spec: cluster.spec,
      version: 0,
      updatedAt: (options.now ?? this.clock()).toISOString(),
    });
    const names: Record<string, string> = { '#version': 'version' };
    const values: Record<string, unknown> = { ':zero': 0, ':one': 1 };
    const sets = ['#version = if_not_exists(#version, :zero) + :one'];
    for (const field of WRITTEN_FIELDS) {
      names[`#${field}`] = field;
      values[`:${field}`] = fields[field];
      sets.push(`#${field} = :${field}`);
    }
    let condition: string | undefined;
    if (expected === 0) {
      condition = 'attribute_not_exists(#version)';
    } else if (expected !== undefined) {
      condition = '#version = :expected';
      values[':expected'] = expected;
    }
    // One UpdateItem, no read: `if_not_exists` makes the same write create or replace.
    const item = await this.table.updateIf({
      Key: clusterKey(cluster.name),
      UpdateExpression: `SET ${sets.join(', ')}`,
      ConditionExpression: condition,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    });
    if (item) return itemToCluster(item);
    const current = await this.get(cluster.name);
    throw new VersionConflictError(
      current
        ? `Cluster ${cluster.name} is at version ${current.version}, not ${String(expected)}.`
        : `Cluster ${cluster.name} does not exist.`,
      current ? { version: current.version } : {},
    );
  }

  async list(page: PageRequest): Promise<Page<ClusterRecord>> {
    return queryIndexPage(this.table, 'byKind', CLUSTERS_KIND_PK, page, itemToCluster);
  }
}
