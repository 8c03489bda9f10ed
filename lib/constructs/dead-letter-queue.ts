import { Duration, Validations } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/**
 * An SQS queue that catches events a Lambda or an EventBridge target gave up on. Alarms watch
 * every one of them (`ApproximateNumberOfMessagesVisible > 0`), so a dropped event is never
 * silent.
 *
 * SSE-SQS rather than KMS: EventBridge can only deliver to a KMS-encrypted DLQ with a customer
 * managed key whose policy names it, and the messages are event envelopes, not secrets.
 */
export class DeadLetterQueue extends Construct {
  readonly queue: sqs.Queue;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.queue = new sqs.Queue(this, 'Queue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // The maximum: a dead letter is evidence; two weeks leaves room for a long weekend.
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.queue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is itself a dead-letter queue (of a Lambda or an EventBridge target); a DLQ ' +
        'of a DLQ would only move the problem. An alarm fires on its first message.',
    });
  }
}
