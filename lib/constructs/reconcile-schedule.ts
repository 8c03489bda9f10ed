import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { DeadLetterQueue } from './dead-letter-queue.js';

/** Properties of {@link ReconcileSchedule}. */
export interface ReconcileScheduleProps {
  readonly reconcileFunction: lambda.IFunction;
  readonly intervalMinutes: number;
}

/**
 * Runs reconcile every N minutes. A tick that cannot be delivered within one interval is
 * dropped into the dead-letter queue: the next tick reconciles anyway, and a late cycle
 * racing an on-time one would only contend for the lease.
 */
export class ReconcileSchedule extends Construct {
  readonly rule: events.Rule;
  readonly deadLetterQueue: DeadLetterQueue;

  constructor(scope: Construct, id: string, props: ReconcileScheduleProps) {
    super(scope, id);
    this.deadLetterQueue = new DeadLetterQueue(this, 'DeadLetters');
    this.rule = new events.Rule(this, 'Rule', {
      description: `fjc reconcile every ${props.intervalMinutes} minute(s)`,
      schedule: events.Schedule.rate(Duration.minutes(props.intervalMinutes)),
    });
    this.rule.addTarget(
      new targets.LambdaFunction(props.reconcileFunction, {
        deadLetterQueue: this.deadLetterQueue.queue,
        retryAttempts: 2,
        maxEventAge: Duration.minutes(Math.max(1, props.intervalMinutes)),
      }),
    );
  }
}
