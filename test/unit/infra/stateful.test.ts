import { beforeAll, describe, expect, it } from 'vitest';
import { tableDefinition, timeToLiveAttribute } from '../../../functions/store/table.js';
import { resourcesOf, synthesize, type SynthesizedFjc, defined } from './synth.js';

let fjc: SynthesizedFjc;
beforeAll(() => {
  fjc = synthesize();
});

describe('StateTable', () => {
  const table = () => {
    const tables = Object.values(resourcesOf(fjc.statefulTemplate, 'AWS::DynamoDB::Table'));
    expect(tables).toHaveLength(1);
    return defined(tables[0], 'table');
  };

  it('is on-demand', () => {
    expect(table().Properties?.BillingMode).toBe('PAY_PER_REQUEST');
  });

  it('has point-in-time recovery', () => {
    expect(table().Properties?.PointInTimeRecoverySpecification).toEqual({
      PointInTimeRecoveryEnabled: true,
    });
  });

  it('is encrypted at rest with the AWS managed key', () => {
    expect(table().Properties?.SSESpecification).toEqual({ SSEEnabled: true });
  });

  it('expires items by the expiresAt attribute', () => {
    expect(timeToLiveAttribute).toBe('expiresAt');
    expect(table().Properties?.TimeToLiveSpecification).toEqual({
      AttributeName: 'expiresAt',
      Enabled: true,
    });
  });

  it('is deletion-protected and retained', () => {
    expect(table().Properties?.DeletionProtectionEnabled).toBe(true);
    fjc.statefulTemplate.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });

  it('has exactly the keys, attributes and indexes of tableDefinition', () => {
    const props = table().Properties ?? {};
    expect(props.KeySchema).toEqual(tableDefinition.KeySchema);
    expect(new Set(props.AttributeDefinitions as unknown[])).toEqual(
      new Set(tableDefinition.AttributeDefinitions),
    );
    const byName = (indexes: unknown) =>
      Object.fromEntries(
        (indexes as { IndexName: string; KeySchema: unknown; Projection: unknown }[]).map((i) => [
          i.IndexName,
          { KeySchema: i.KeySchema, Projection: i.Projection },
        ]),
      );
    expect(byName(props.GlobalSecondaryIndexes)).toEqual(
      byName(tableDefinition.GlobalSecondaryIndexes),
    );
  });
});

describe('StateTable listing index', () => {
  it('projects only the listing attributes, on the keys of gsi3', () => {
    const tables = Object.values(resourcesOf(fjc.statefulTemplate, 'AWS::DynamoDB::Table'));
    const indexes = (tables[0]?.Properties?.GlobalSecondaryIndexes ?? []) as {
      IndexName: string;
      KeySchema: unknown;
      Projection: { ProjectionType: string; NonKeyAttributes?: string[] };
    }[];
    const listing = indexes.find((i) => i.IndexName === 'gsi4');
    expect(listing?.KeySchema).toEqual([
      { AttributeName: 'gsi3pk', KeyType: 'HASH' },
      { AttributeName: 'gsi3sk', KeyType: 'RANGE' },
    ]);
    expect(listing?.Projection).toEqual({
      ProjectionType: 'INCLUDE',
      NonKeyAttributes: [
        'name',
        'team',
        'clusterRef',
        'specHash',
        'generation',
        'createdAt',
        'updatedAt',
        'listing',
      ],
    });
  });
});

describe('SpecBucket', () => {
  const specBucket = () => {
    const buckets = resourcesOf(fjc.statefulTemplate, 'AWS::S3::Bucket');
    const withEvents = Object.values(buckets).filter((b) => b.Properties?.VersioningConfiguration);
    expect(withEvents).toHaveLength(1);
    return defined(withEvents[0], 'spec bucket');
  };

  it('is encrypted', () => {
    expect(specBucket().Properties?.BucketEncryption).toEqual({
      ServerSideEncryptionConfiguration: [
        { ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } },
      ],
    });
  });

  it('is versioned and expires old versions', () => {
    const props = specBucket().Properties ?? {};
    expect(props.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(props.LifecycleConfiguration).toEqual({
      Rules: [
        expect.objectContaining({
          NoncurrentVersionExpiration: { NoncurrentDays: 90 },
          Status: 'Enabled',
        }),
      ],
    });
  });

  it('blocks every kind of public access on both buckets', () => {
    const buckets = Object.values(resourcesOf(fjc.statefulTemplate, 'AWS::S3::Bucket'));
    expect(buckets).toHaveLength(2);
    for (const bucket of buckets)
      expect(bucket.Properties?.PublicAccessBlockConfiguration).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
  });

  it('denies requests without TLS on both buckets', () => {
    const policies = Object.values(resourcesOf(fjc.statefulTemplate, 'AWS::S3::BucketPolicy'));
    expect(policies).toHaveLength(2);
    for (const policy of policies)
      expect(policy.Properties?.PolicyDocument).toEqual(
        expect.objectContaining({
          Statement: expect.arrayContaining([
            expect.objectContaining({
              Effect: 'Deny',
              Action: 's3:*',
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
          ]) as unknown,
        }),
      );
  });

  it('sends its events to EventBridge', () => {
    fjc.statefulTemplate.hasResourceProperties('Custom::S3BucketNotifications', {
      NotificationConfiguration: { EventBridgeConfiguration: {} },
    });
  });

  it('writes server access logs to the log bucket', () => {
    expect(specBucket().Properties?.LoggingConfiguration).toEqual({
      DestinationBucketName: { Ref: expect.stringMatching(/^SpecsAccessLogs/) as unknown },
      LogFilePrefix: 'spec-bucket/',
    });
  });

  it('is retained on stack deletion', () => {
    fjc.statefulTemplate.allResources('AWS::S3::Bucket', { DeletionPolicy: 'Retain' });
  });
});

describe('stateful exports', () => {
  it('exports the table and bucket under stable names the control plane imports', () => {
    const outputs = fjc.statefulTemplate.findOutputs('*');
    const names = Object.values(outputs).map((o) => (o.Export as { Name: string }).Name);
    // The spec upload policies are exported for people (CI roles), not for the control plane.
    const data = names.filter((n) => !n.startsWith('FjcStateful-SpecPolicy-'));
    expect(data.sort()).toEqual([
      'FjcStateful-BucketArn',
      'FjcStateful-BucketName',
      'FjcStateful-TableArn',
    ]);
    expect(names.filter((n) => !data.includes(n))).toEqual(['FjcStateful-SpecPolicy-admin']);
    const imports = JSON.stringify(fjc.controlPlaneTemplate.toJSON()).match(
      /"Fn::ImportValue":"[^"]+"/g,
    );
    expect(new Set(imports)).toEqual(new Set(data.map((n) => `"Fn::ImportValue":"${n}"`)));
  });
});
