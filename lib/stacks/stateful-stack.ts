import { CfnOutput, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { tableDefinition, timeToLiveAttribute } from '../../functions/store/table.js';
import { SpecBucket } from '../constructs/spec-bucket.js';
import { SpecUploadPolicies } from '../constructs/spec-upload-policies.js';
import { StateTable } from '../constructs/state-table.js';

/** The export names through which the control plane finds the stateful resources. */
export interface StatefulExports {
  readonly tableArn: string;
  readonly bucketName: string;
  readonly bucketArn: string;
}

/** Properties of {@link StatefulStack}. */
export interface StatefulStackProps extends StackProps {
  /** Teams of the team directory: each gets a spec upload policy (see SpecUploadPolicies). */
  readonly teams?: readonly string[];
}

/**
 * What fjc must not lose: the table and the spec bucket. Kept apart from the control plane so
 * that the control plane can be destroyed and redeployed at will, and so a change there can
 * never put a `Replace` on data in the same change set.
 *
 * The control plane reads these through explicitly named exports rather than CDK's generated
 * ones: the names are stable (a CDK upgrade cannot rename them and strand the importer), and
 * they are what least-privilege acknowledgements can name.
 */
export class StatefulStack extends Stack {
  readonly table: dynamodb.Table;
  readonly bucket: s3.Bucket;
  readonly exportNames: StatefulExports;

  constructor(scope: Construct, id: string, props: StatefulStackProps = {}) {
    super(scope, id, props);
    // Built from the same object the local runtime passes to CreateTable: one schema.
    this.table = new StateTable(this, 'State', {
      definition: tableDefinition,
      timeToLiveAttribute,
    }).table;
    this.bucket = new SpecBucket(this, 'Specs').bucket;
    new SpecUploadPolicies(this, 'SpecUploadPolicies', {
      bucket: this.bucket,
      teams: props.teams ?? [],
    });

    const exported = (name: string, value: string): string => {
      const exportName = `${this.stackName}-${name}`;
      new CfnOutput(this, name, { value, exportName });
      return exportName;
    };
    this.exportNames = {
      tableArn: exported('TableArn', this.table.tableArn),
      bucketName: exported('BucketName', this.bucket.bucketName),
      bucketArn: exported('BucketArn', this.bucket.bucketArn),
    };

    // eventBridgeEnabled is implemented by CDK's bucket-notifications custom resource.
    const notificationsHandler = this.node
      .findAll()
      .find((c) => c.node.id.startsWith('BucketNotificationsHandler'));
    if (notificationsHandler)
      Validations.of(notificationsHandler).acknowledge({
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason:
          "CDK's own custom resource that turns on the bucket's EventBridge notifications at " +
          'deploy time; its role and policy are not configurable.',
      });
  }
}
