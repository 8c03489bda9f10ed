import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { DeadLetterQueue } from './dead-letter-queue.js';

/** Properties of {@link SpecIngest}. */
export interface SpecIngestProps {
  readonly bucket: s3.IBucket;
  /** Key prefix whose changes matter, e.g. `specs/`. */
  readonly prefix: string;
  readonly ingestFunction: lambda.IFunction;
}

/**
 * Sends every spec created or deleted in the bucket to ingest, through EventBridge (the bucket
 * has EventBridge notifications on), so the stateful stack knows nothing of the function.
 */
export class SpecIngest extends Construct {
  readonly rule: events.Rule;
  readonly deadLetterQueue: DeadLetterQueue;

  constructor(scope: Construct, id: string, props: SpecIngestProps) {
    super(scope, id);
    this.deadLetterQueue = new DeadLetterQueue(this, 'DeadLetters');
    this.rule = new events.Rule(this, 'Rule', {
      description: `fjc ingest of s3://…/${props.prefix}`,
      eventPattern: {
        source: ['aws.s3'],
        detailType: ['Object Created', 'Object Deleted'],
        detail: {
          bucket: { name: [props.bucket.bucketName] },
          object: { key: [{ prefix: props.prefix }] },
        },
      },
    });
    this.rule.addTarget(
      new targets.LambdaFunction(props.ingestFunction, {
        deadLetterQueue: this.deadLetterQueue.queue,
        retryAttempts: 8,
        maxEventAge: Duration.hours(2),
      }),
    );
  }
}
