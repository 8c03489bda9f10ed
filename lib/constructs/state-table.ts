import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { Construct } from 'constructs';

/** The table schema in DynamoDB API shape, as `functions/store/table.ts` exports it. */
export type TableDefinition = Readonly<
  Pick<CreateTableCommandInput, 'KeySchema' | 'AttributeDefinitions' | 'GlobalSecondaryIndexes'>
>;

/** Properties of {@link StateTable}. */
export interface StateTableProps {
  /** The schema shared with the local runtime; keys and indexes are built from it. */
  readonly definition: TableDefinition;
  /** The TTL attribute (epoch seconds). */
  readonly timeToLiveAttribute: string;
}

/**
 * The single fjc table: desired state, status, leases, savepoints and audit.
 *
 * On-demand because a control plane's load is bursty and small; PITR and deletion protection
 * because it holds the only record of what the fleet should look like; retained on stack
 * deletion for the same reason. Encrypted with the AWS managed key (`aws/dynamodb`): the data
 * is operational metadata, the managed key is audited in CloudTrail like a CMK, costs nothing
 * and needs no key-policy grants across the two stacks; cdk-nag's AwsSolutions pack has no rule
 * asking for a CMK on DynamoDB.
 */
export class StateTable extends Construct {
  readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string, props: StateTableProps) {
    super(scope, id);
    const { definition } = props;
    const types = attributeTypes(definition);
    const key = (schema: CreateTableCommandInput['KeySchema'], where: string) =>
      keysOf(schema, types, where);

    const primary = key(definition.KeySchema, 'table');
    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: primary.partitionKey,
      ...(primary.sortKey ? { sortKey: primary.sortKey } : {}),
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      timeToLiveAttribute: props.timeToLiveAttribute,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const gsi of definition.GlobalSecondaryIndexes ?? []) {
      const name = required(gsi.IndexName, 'GlobalSecondaryIndexes[].IndexName');
      const keys = key(gsi.KeySchema, `index ${name}`);
      this.table.addGlobalSecondaryIndex({
        indexName: name,
        partitionKey: keys.partitionKey,
        ...(keys.sortKey ? { sortKey: keys.sortKey } : {}),
        ...projectionOf(gsi.Projection),
      });
    }
  }
}

function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`tableDefinition: ${what} is missing`);
  return value;
}

function attributeTypes(definition: TableDefinition): Map<string, dynamodb.AttributeType> {
  const byCode: Record<string, dynamodb.AttributeType> = {
    S: dynamodb.AttributeType.STRING,
    N: dynamodb.AttributeType.NUMBER,
    B: dynamodb.AttributeType.BINARY,
  };
  const types = new Map<string, dynamodb.AttributeType>();
  for (const attribute of definition.AttributeDefinitions ?? []) {
    const name = required(attribute.AttributeName, 'AttributeDefinitions[].AttributeName');
    const type = byCode[required(attribute.AttributeType, `type of ${name}`)];
    if (type === undefined) throw new Error(`tableDefinition: unknown type of ${name}`);
    types.set(name, type);
  }
  return types;
}

function keysOf(
  schema: CreateTableCommandInput['KeySchema'],
  types: Map<string, dynamodb.AttributeType>,
  where: string,
): { partitionKey: dynamodb.Attribute; sortKey?: dynamodb.Attribute } {
  const attribute = (keyType: 'HASH' | 'RANGE'): dynamodb.Attribute | undefined => {
    const element = (schema ?? []).find((candidate) => candidate.KeyType === keyType);
    if (element === undefined) return undefined;
    const name = required(element.AttributeName, `${where} key name`);
    const type = types.get(name);
    if (type === undefined) throw new Error(`tableDefinition: ${name} (${where}) has no type`);
    return { name, type };
  };
  const partitionKey = attribute('HASH');
  if (partitionKey === undefined) throw new Error(`tableDefinition: ${where} has no HASH key`);
  const sortKey = attribute('RANGE');
  return sortKey ? { partitionKey, sortKey } : { partitionKey };
}

function projectionOf(
  projection: NonNullable<CreateTableCommandInput['GlobalSecondaryIndexes']>[number]['Projection'],
): { projectionType: dynamodb.ProjectionType; nonKeyAttributes?: string[] } {
  switch (projection?.ProjectionType) {
    case undefined:
    case 'ALL':
      return { projectionType: dynamodb.ProjectionType.ALL };
    case 'KEYS_ONLY':
      return { projectionType: dynamodb.ProjectionType.KEYS_ONLY };
    case 'INCLUDE':
      return {
        projectionType: dynamodb.ProjectionType.INCLUDE,
        nonKeyAttributes: projection.NonKeyAttributes ?? [],
      };
    default:
      throw new Error(`tableDefinition: unknown projection ${String(projection?.ProjectionType)}`);
  }
}
