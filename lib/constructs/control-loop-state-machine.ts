import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { nagRef } from '../nag-ref.js';

/** State names of the control loop; the local runtime overrides tasks by these names. */
export const STATE = {
  RunActions: 'RunActions',
  Finished: 'Finished',
  Step: 'Step',
  Route: 'Route',
  Pause: 'Pause',
  Verify: 'Verify',
  Done: 'Done',
  Recorded: 'Recorded',
  RecordFailure: 'RecordFailure',
  Unrecorded: 'Unrecorded',
} as const;

/** Errors of the Lambda service itself: always worth a quick retry. */
export const LAMBDA_SERVICE_ERRORS = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
];

/** Errors the handlers throw when the Flink cluster is slow or away: retry, but more slowly. */
export const FLINK_TRANSIENT_ERRORS = [
  'FlinkUnreachableError',
  'DeadlineExceededError',
  // The core's name for every transient fault (functions/core/operations/retry-policy.ts).
  'ClusterUnavailableError',
];

/** Properties of {@link ControlLoopStateMachine}. */
export interface ControlLoopStateMachineProps {
  /** Runs each step of an action and records failures. */
  readonly deployFunction: lambda.IFunction;
  /** Checks whether a started step took effect. */
  readonly verifyFunction: lambda.IFunction;
  /** Actions run at once in one execution. */
  readonly maxConcurrency: number;
  /** Upper bound of one execution. */
  readonly timeout: Duration;
  /** Default 30 days. */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * The control loop: one execution per reconcile cycle that has actions to run, one inline Map
 * iteration per action.
 *
 * Contract with the handlers (JSONPath only, so aws-local-stepfunctions runs the very same
 * definition): input `{ correlationId, actions: [...] }`; each iteration gets
 * `{ action, correlationId }`. "Step" (deploy) and "Verify" return the whole state again with
 * `next` ∈ step | wait | done | failed and `waitSeconds`; "Route" follows `next`. A failure is
 * recorded by the deploy function ("RecordFailure") and ends the iteration successfully so one
 * bad action never cancels the others; only a failure to record fails the execution
 * ("Unrecorded"), which an alarm watches.
 */
export class ControlLoopStateMachine extends Construct {
  readonly stateMachine: sfn.StateMachine;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: ControlLoopStateMachineProps) {
    super(scope, id);

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromChainable(controlLoopDefinition(this, props)),
      timeout: props.timeout,
      tracingEnabled: true,
      logs: { destination: this.logGroup, level: sfn.LogLevel.ALL, includeExecutionData: true },
    });

    const role = this.stateMachine.role;
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Step Functions log delivery (logs:CreateLogDelivery, …) and X-Ray (xray:PutTraceSegments, ' +
        '…) support no resource-level permissions; CDK adds exactly those for logging and tracing.',
    });
    for (const fn of [props.deployFunction, props.verifyFunction])
      Validations.of(role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${nagRef(this, fn.functionArn)}:*]`,
        reason: 'Invoking any version or alias of this one function (CDK LambdaInvoke grant).',
      });
  }
}

/**
 * Builds the control-loop states in `scope` and returns the chain to start with. Exported so a
 * test or another construct can render the definition without the state machine around it.
 */
export function controlLoopDefinition(
  scope: Construct,
  props: Pick<ControlLoopStateMachineProps, 'deployFunction' | 'verifyFunction' | 'maxConcurrency'>,
): sfn.IChainable {
  const invoke = (id: string, fn: lambda.IFunction): sfn.TaskStateBase =>
    new tasks.LambdaInvoke(scope, id, {
      stateName: id,
      lambdaFunction: fn,
      // Resource = the function ARN, output = the function's return value, input = whole state.
      payloadResponseOnly: true,
      // The defaults differ from the contract; the retries are declared below instead.
      retryOnServiceExceptions: false,
    });
  const retryLambdaService = (task: sfn.TaskStateBase): sfn.TaskStateBase =>
    task.addRetry({
      errors: LAMBDA_SERVICE_ERRORS,
      interval: Duration.seconds(2),
      maxAttempts: 4,
      backoffRate: 2,
      jitterStrategy: sfn.JitterType.FULL,
    });

  const recorded = new sfn.Succeed(scope, STATE.Recorded, { stateName: STATE.Recorded });
  const unrecorded = new sfn.Fail(scope, STATE.Unrecorded, {
    stateName: STATE.Unrecorded,
    error: 'fjc.FailureNotRecorded',
    cause: 'An action failed and recording the failure failed too.',
  });
  const recordFailure = retryLambdaService(invoke(STATE.RecordFailure, props.deployFunction))
    .addCatch(unrecorded, { errors: [sfn.Errors.ALL], resultPath: '$.failure' })
    .next(recorded);

  const guarded = (task: sfn.TaskStateBase): sfn.TaskStateBase =>
    retryLambdaService(task)
      .addRetry({
        errors: FLINK_TRANSIENT_ERRORS,
        interval: Duration.seconds(5),
        maxAttempts: 3,
        backoffRate: 2,
      })
      .addCatch(recordFailure, { errors: [sfn.Errors.ALL], resultPath: '$.failure' });

  const step = guarded(invoke(STATE.Step, props.deployFunction));
  const verify = guarded(invoke(STATE.Verify, props.verifyFunction));
  const pause = new sfn.Wait(scope, STATE.Pause, {
    stateName: STATE.Pause,
    time: sfn.WaitTime.secondsPath('$.waitSeconds'),
  });
  const route = new sfn.Choice(scope, STATE.Route, { stateName: STATE.Route })
    .when(sfn.Condition.stringEquals('$.next', 'step'), step)
    .when(sfn.Condition.stringEquals('$.next', 'wait'), pause)
    .when(
      sfn.Condition.stringEquals('$.next', 'done'),
      new sfn.Succeed(scope, STATE.Done, { stateName: STATE.Done }),
    )
    .when(sfn.Condition.stringEquals('$.next', 'failed'), recorded)
    .otherwise(recordFailure);
  step.next(route);
  pause.next(verify);
  verify.next(route);

  const runActions = new sfn.Map(scope, STATE.RunActions, {
    stateName: STATE.RunActions,
    itemsPath: sfn.JsonPath.stringAt('$.actions'),
    maxConcurrency: props.maxConcurrency,
    itemSelector: {
      action: sfn.JsonPath.stringAt('$$.Map.Item.Value'),
      correlationId: sfn.JsonPath.stringAt('$.correlationId'),
    },
    resultPath: sfn.JsonPath.DISCARD,
  }).itemProcessor(step);

  return runActions.next(new sfn.Succeed(scope, STATE.Finished, { stateName: STATE.Finished }));
}
