import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';
import {
  ArnFormat,
  AssetHashType,
  DockerImage,
  Duration,
  RemovalPolicy,
  Size,
  Stack,
  Validations,
} from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { METRICS_NAMESPACE, SERVICE_NAME } from '../metric-names.js';
import { nagRef } from '../nag-ref.js';
import { HANDLER_BUNDLES, type HandlerBundleProfile } from '../bundling/bundle-budget.js';
import type { CheckpointLocation } from '../settings/checkpoints.js';
import type { HandlerBundleOptions } from '../bundling/handler-bundle.js';
import { DeadLetterQueue } from './dead-letter-queue.js';

const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The Lambda entry points under `functions/handlers/`. */
export type HandlerName = 'reconcile' | 'deploy' | 'verify' | 'ingest' | 'api';

/** The CloudFormation Metadata key naming the handler; the local runtime resolves ARNs by it. */
export const HANDLER_METADATA_KEY = 'fjc:handler';

/** Properties of {@link FjcFunction}. */
export interface FjcFunctionProps {
  /** Which `functions/handlers/<name>.ts` to run. */
  readonly handler: HandlerName;
  readonly description: string;
  readonly timeout: Duration;
  /** Default 256 MB. */
  readonly memorySize?: number;
  /** `/tmp` size in MiB (default 512, the Lambda default). */
  readonly ephemeralStorageMiB?: number;
  /** Default: unreserved. */
  readonly reservedConcurrentExecutions?: number;
  /**
   * Invoked asynchronously (EventBridge): gets a dead-letter queue for events it failed on.
   * Synchronous callers (Step Functions, API Gateway) see the error themselves and need none.
   */
  readonly async?: { readonly retryAttempts: number; readonly maxEventAge: Duration };
  /** Default 30 days. */
  readonly logRetention?: logs.RetentionDays;
  /** Default `INFO`. */
  readonly logLevel?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  /**
   * Bundle the handler with the local esbuild (default true). When false the function gets a
   * placeholder inline handler: the template is otherwise identical, and synth takes no time.
   */
  readonly bundle?: boolean;
  /** Runs in these subnets with these security groups (default: outside any VPC). */
  readonly network?: {
    readonly vpc: ec2.IVpc;
    readonly subnets: ec2.ISubnet[];
    readonly securityGroups: ec2.ISecurityGroup[];
  };
}

/**
 * One fjc Lambda: Node 22 on arm64, an ESM bundle built by the local esbuild (never Docker),
 * its own log group with retention, X-Ray active, Powertools configured by environment, and a
 * role that starts empty: every permission comes from a `bind…` call, so what a function may
 * do is readable at the call site.
 */
export class FjcFunction extends Construct {
  readonly fn: lambda.Function;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;
  /** Only for `async` functions. */
  readonly deadLetterQueue?: DeadLetterQueue;
  readonly handlerName: HandlerName;

  constructor(scope: Construct, id: string, props: FjcFunctionProps) {
    super(scope, id);
    this.handlerName = props.handler;

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      // The audit trail lives in DynamoDB; function logs are diagnostics and go with the stack.
      removalPolicy: RemovalPolicy.DESTROY,
    });

    // An explicit role instead of AWSLambdaBasicExecutionRole: that managed policy may write to
    // every log group of the account; this one writes to its own only.
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `fjc ${props.handler} function`,
    });
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [this.logGroup.logGroupArn],
      }),
    );

    if (props.async) this.deadLetterQueue = new DeadLetterQueue(this, 'DeadLetters');
    const bundleProfile = HANDLER_BUNDLES[props.handler];

    const common = {
      description: props.description,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 256,
      ephemeralStorageSize: Size.mebibytes(props.ephemeralStorageMiB ?? 512),
      timeout: props.timeout,
      role: this.role,
      logGroup: this.logGroup,
      tracing: lambda.Tracing.ACTIVE,
      ...(props.network === undefined
        ? {}
        : {
            vpc: props.network.vpc,
            vpcSubnets: { subnets: props.network.subnets },
            securityGroups: props.network.securityGroups,
          }),
      ...(props.reservedConcurrentExecutions === undefined
        ? {}
        : { reservedConcurrentExecutions: props.reservedConcurrentExecutions }),
      ...(this.deadLetterQueue && props.async
        ? {
            deadLetterQueue: this.deadLetterQueue.queue,
            retryAttempts: props.async.retryAttempts,
            maxEventAge: props.async.maxEventAge,
          }
        : {}),
      environment: {
        POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        LOG_LEVEL: props.logLevel ?? 'INFO',
        // Stack traces point into the TypeScript sources, not the minified bundle.
        ...(bundleProfile.sourceMap ? { NODE_OPTIONS: '--enable-source-maps' } : {}),
      },
    } satisfies Partial<lambda.FunctionProps>;

    this.fn =
      props.bundle === false
        ? new lambda.Function(this, 'Function', {
            ...common,
            handler: 'index.handler',
            code: lambda.Code.fromInline(
              "exports.handler = async () => { throw new Error('fjc: synthesized without bundling'); };",
            ),
          })
        : new lambda.Function(this, 'Function', {
            ...common,
            handler: 'index.handler',
            code: handlerCode(props.handler, bundleProfile),
          });
    (this.fn.node.defaultChild as lambda.CfnFunction).addMetadata(
      HANDLER_METADATA_KEY,
      props.handler,
    );
    Validations.of(this.fn).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'Node.js 22 is the runtime the handlers are built (esbuild target node22) and tested for; ' +
        'moving to a newer runtime is a deliberate upgrade, not a side effect of a CDK update.',
    });

    if (props.network !== undefined)
      this.acknowledge(
        'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole]',
        'Lambda needs ec2:CreateNetworkInterface/DescribeNetworkInterfaces/DeleteNetworkInterface ' +
          '(no resource-level scoping possible) to place a function in a VPC; CDK attaches the ' +
          'AWS managed policy made for exactly that.',
      );
    this.acknowledge(
      'AwsSolutions-IAM5[Resource::*]',
      'X-Ray PutTraceSegments/PutTelemetryRecords support no resource-level permissions; CDK ' +
        'adds them for active tracing.',
    );
  }

  /** Reads (`read`) or reads and writes (`readWrite`) the table; sets `FJC_TABLE_NAME`. */
  bindTable(
    table: dynamodb.ITable,
    access: 'read' | 'readWrite',
    options: { auditRetentionDays?: number } = {},
  ): this {
    if (access === 'read') table.grantReadData(this.role);
    else table.grantReadWriteData(this.role);
    this.fn.addEnvironment('FJC_TABLE_NAME', table.tableName);
    if (options.auditRetentionDays !== undefined)
      this.fn.addEnvironment('FJC_AUDIT_RETENTION_DAYS', String(options.auditRetentionDays));
    this.acknowledge(
      `AwsSolutions-IAM5[Resource::${nagRef(this, table.tableArn)}/index/*]`,
      'Queries go to the global secondary indexes of this one table only; their ARNs are the ' +
        "table's ARN plus /index/<name>.",
    );
    return this;
  }

  /**
   * Reads secrets whose names start with `prefix` (GetSecretValue only, no listing, no write);
   * sets `FJC_SECRET_PREFIX`.
   */
  bindSecrets(prefix: string): this {
    const resource = Stack.of(this).formatArn({
      service: 'secretsmanager',
      resource: 'secret',
      resourceName: `${prefix}*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['secretsmanager:GetSecretValue'],
        resources: [resource],
      }),
    );
    this.fn.addEnvironment('FJC_SECRET_PREFIX', prefix);
    this.acknowledge(
      `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:secretsmanager:<AWS::Region>:<AWS::AccountId>:secret:${prefix}*]`,
      `Cluster credentials are created by operators as secrets named ${prefix}…; Secrets ` +
        'Manager appends a random suffix to every secret ARN, so a prefix wildcard is the ' +
        'narrowest grant that covers them.',
    );
    return this;
  }

  /**
   * Reads objects under `prefix` of the bucket; sets `FJC_BUCKET_NAME`. Operators and CI upload
   * specs and artifacts; the only thing fjc writes there is ingest results ({@link bindResults}).
   */
  bindBucket(bucket: s3.IBucket, _access: 'read', prefix: string): this {
    bucket.grantRead(this.role, `${prefix}*`);
    this.fn.addEnvironment('FJC_BUCKET_NAME', bucket.bucketName);
    this.acknowledge(
      'AwsSolutions-IAM5[Action::s3:GetObject*]',
      'CDK grantRead: GetObject, GetObjectVersion, GetObjectAttributes… on one prefix of one bucket.',
    );
    this.acknowledge(
      'AwsSolutions-IAM5[Action::s3:GetBucket*]',
      'CDK grantRead: bucket metadata (location, versioning) of this one bucket.',
    );
    this.acknowledge(
      'AwsSolutions-IAM5[Action::s3:List*]',
      'CDK grantRead: listing this one bucket (ListBucket, ListBucketVersions), to find versions.',
    );
    this.acknowledge(
      `AwsSolutions-IAM5[Resource::${nagRef(this, bucket.bucketArn)}/${prefix}*]`,
      `Objects under ${prefix} of this one bucket; their keys are not known in advance.`,
    );
    return this;
  }

  /**
   * Reads and writes the ingest result objects under `prefix` (one per spec file: the uploader's
   * answer and the manifest a deletion reads). Only the ingest function writes to the bucket.
   */
  bindResults(bucket: s3.IBucket, prefix: string): this {
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['s3:GetObject', 's3:PutObject'],
        resources: [bucket.arnForObjects(`${prefix}*`)],
      }),
    );
    this.acknowledge(
      `AwsSolutions-IAM5[Resource::${nagRef(this, bucket.bucketArn)}/${prefix}*]`,
      `Ingest result objects under ${prefix} of this one bucket; their keys mirror the spec keys.`,
    );
    return this;
  }

  /**
   * Invokes the reconcile function (the event path: a targeted reconcile after an accepted
   * change); sets `FJC_RECONCILE_FUNCTION`. That one function only, not its versions or aliases
   * (CDK's grantInvoke would add `:*`), so no wildcard needs acknowledging.
   */
  bindReconcileTrigger(reconcile: lambda.IFunction): this {
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['lambda:InvokeFunction'],
        resources: [reconcile.functionArn],
      }),
    );
    this.fn.addEnvironment('FJC_RECONCILE_FUNCTION', reconcile.functionName);
    return this;
  }

  /**
   * Invokes the function that answers cluster probes (`POST /v1/clusters/probe`: the deploy
   * function's `probe` alias), synchronously; sets `FJC_PROBE_FUNCTION`. That alias only, not
   * the function's other versions (CDK's grantInvoke would add `:*`).
   */
  bindProber(prober: lambda.IFunction): this {
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['lambda:InvokeFunction'],
        resources: [prober.functionArn],
      }),
    );
    this.fn.addEnvironment('FJC_PROBE_FUNCTION', prober.functionName);
    return this;
  }

  /**
   * Lists and probes the clusters' checkpoint/savepoint directories (`fjc:checkpointLocations`),
   * to resume a job from its newest completed checkpoint: ListBucket limited to the prefix and
   * GetObject (HeadObject) under it; never a write.
   */
  bindCheckpointLocations(locations: readonly CheckpointLocation[]): this {
    if (locations.length === 0) return this;
    const partition = Stack.of(this).partition;
    const objects = (l: CheckpointLocation) => (l.prefix === '' ? '*' : `${l.prefix}/*`);
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['s3:GetObject'],
        resources: locations.map((l) => `arn:${partition}:s3:::${l.bucket}/${objects(l)}`),
      }),
    );
    for (const location of locations) {
      this.role.addToPolicy(
        new iam.PolicyStatement({
          actions: ['s3:ListBucket'],
          resources: [`arn:${partition}:s3:::${location.bucket}`],
          conditions: { StringLike: { 's3:prefix': [objects(location)] } },
        }),
      );
      this.acknowledge(
        `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::${location.bucket}/${objects(location)}]`,
        'Checkpoint and savepoint objects under the configured directory; their keys (job ids, ' +
          'checkpoint numbers) are not known in advance. Read only.',
      );
    }
    return this;
  }

  /**
   * Starts executions of the state machine, or only through its alias when `aliasArn` is given
   * (a release then reaches executions as the alias shifts); sets `FJC_STATE_MACHINE_ARN`.
   */
  bindStateMachine(stateMachine: sfn.IStateMachine, aliasArn?: string): this {
    if (aliasArn === undefined) {
      stateMachine.grantStartExecution(this.role);
      this.fn.addEnvironment('FJC_STATE_MACHINE_ARN', stateMachine.stateMachineArn);
      return this;
    }
    this.role.addToPolicy(
      new iam.PolicyStatement({ actions: ['states:StartExecution'], resources: [aliasArn] }),
    );
    this.fn.addEnvironment('FJC_STATE_MACHINE_ARN', aliasArn);
    return this;
  }

  private acknowledge(id: string, reason: string): void {
    Validations.of(this.role).acknowledge({ id, reason });
  }
}

const BUNDLE_CLI = join(REPO_ROOT, 'lib', 'bundling', 'bundle-cli.ts');

/**
 * The handler's ESM bundle, built by the local esbuild (never Docker) with the plugins of
 * lib/bundling/handler-bundle.ts. esbuild runs in a child process: its plugins need the
 * asynchronous API and CDK's local bundling is synchronous. The asset is hashed by its output,
 * so an unchanged bundle is an unchanged template.
 */
function handlerCode(handler: HandlerName, profile: HandlerBundleProfile): lambda.Code {
  return lambda.Code.fromAsset(REPO_ROOT, {
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      // Required by the type, never used: local bundling either builds or throws.
      image: DockerImage.fromRegistry('fjc-local-bundling-only'),
      // Never run either, but part of CDK's bundling cache key, which ignores `local`: without
      // it the five functions would share the first one's bundle.
      command: ['fjc-bundle', handler, JSON.stringify(profile)],
      local: {
        tryBundle(outputDir: string): boolean {
          const options: HandlerBundleOptions = {
            entry: join('functions', 'handlers', `${handler}.ts`),
            outfile: join(outputDir, 'index.mjs'),
            external: profile.external,
            sourceMap: profile.sourceMap,
          };
          execFileSync(process.execPath, ['--import', 'tsx', BUNDLE_CLI, JSON.stringify(options)], {
            cwd: REPO_ROOT,
            stdio: 'inherit',
          });
          return true;
        },
      },
    },
  });
}
