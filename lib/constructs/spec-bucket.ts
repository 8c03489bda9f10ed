import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

/** Key prefix of the job and cluster specs; ingest reacts to changes under it. */
export const SPECS_PREFIX = 'specs/';
/** Key prefix of job artifacts (JARs) the deploy function uploads to Flink. */
export const ARTIFACTS_PREFIX = 'artifacts/';

/** Properties of {@link SpecBucket}. */
export interface SpecBucketProps {
  /** Days a replaced or deleted version is kept (default 90): long enough to roll back. */
  readonly noncurrentVersionDays?: number;
  /** Days server access logs are kept (default 365). */
  readonly accessLogDays?: number;
}

/**
 * The bucket of specs (`specs/`) and artifacts (`artifacts/`), with its access-log bucket.
 *
 * Versioned so that a bad spec or artifact can be rolled back to the bytes that ran before;
 * EventBridge notifications on so ingest hears every change without a bucket-notification
 * resource coupling the stateful stack to a function; SSE-S3 because the contents are not more
 * sensitive than the code that reads them (credentials live in Secrets Manager, never here).
 */
export class SpecBucket extends Construct {
  readonly bucket: s3.Bucket;
  readonly accessLogBucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: SpecBucketProps = {}) {
    super(scope, id);

    this.accessLogBucket = new s3.Bucket(this, 'AccessLogs', {
      // Server access log delivery supports SSE-S3 only.
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ expiration: Duration.days(props.accessLogDays ?? 365) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.accessLogBucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'This is the server-access-log target of the spec bucket; logging it would need another ' +
        'log bucket, and so on without end.',
    });

    this.bucket = new s3.Bucket(this, 'Bucket', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      eventBridgeEnabled: true,
      serverAccessLogsBucket: this.accessLogBucket,
      serverAccessLogsPrefix: 'spec-bucket/',
      lifecycleRules: [
        {
          noncurrentVersionExpiration: Duration.days(props.noncurrentVersionDays ?? 90),
          abortIncompleteMultipartUploadAfter: Duration.days(7),
          expiredObjectDeleteMarker: true,
        },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }
}
