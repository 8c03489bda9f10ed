import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/** Properties of {@link FjcApi}. */
export interface FjcApiProps {
  readonly apiFunction: lambda.IFunction;
  /** Steady requests per second across the stage (default 20). */
  readonly rateLimit?: number;
  /** Burst above the steady rate (default 40). */
  readonly burstLimit?: number;
  /** Default 90 days: access logs answer "who changed what", so they outlive function logs. */
  readonly accessLogRetention?: logs.RetentionDays;
}

/**
 * The operator API: a REST API with `/v1/{proxy+}` and `GET /v1/openapi.json` in front of the api
 * function. Every method requires IAM (SigV4) authorization: the callers are operators and CI
 * roles of the same account, which already have IAM identities, so there is no user pool to run.
 */
export class FjcApi extends Construct {
  readonly api: apigw.RestApi;
  readonly accessLogs: logs.LogGroup;

  constructor(scope: Construct, id: string, props: FjcApiProps) {
    super(scope, id);
    this.accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: props.accessLogRetention ?? logs.RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    this.api = new apigw.RestApi(this, 'Api', {
      description: 'fjc operator API',
      endpointTypes: [apigw.EndpointType.REGIONAL],
      defaultMethodOptions: { authorizationType: apigw.AuthorizationType.IAM },
      // Execution logging needs the account-level API Gateway → CloudWatch role.
      cloudWatchRole: true,
      cloudWatchRoleRemovalPolicy: RemovalPolicy.RETAIN,
      deployOptions: {
        stageName: 'live',
        throttlingRateLimit: props.rateLimit ?? 20,
        throttlingBurstLimit: props.burstLimit ?? 40,
        tracingEnabled: true,
        metricsEnabled: true,
        loggingLevel: apigw.MethodLoggingLevel.ERROR,
        // Request and response bodies may carry specs; keep them out of execution logs.
        dataTraceEnabled: false,
        accessLogDestination: new apigw.LogGroupLogDestination(this.accessLogs),
        accessLogFormat: apigw.AccessLogFormat.jsonWithStandardFields(),
      },
    });

    const validator = this.api.addRequestValidator('Validator', {
      validateRequestBody: true,
      validateRequestParameters: true,
    });
    const integration = new apigw.LambdaIntegration(props.apiFunction, { proxy: true });

    const v1 = this.api.root.addResource('v1');
    v1.addResource('openapi.json').addMethod('GET', integration, { requestValidator: validator });
    v1.addProxy({ anyMethod: false }).addMethod('ANY', integration, {
      requestValidator: validator,
      requestParameters: { 'method.request.path.proxy': true },
    });

    Validations.of(this.api).acknowledge({
      id: 'AwsSolutions-COG4',
      reason:
        'Every method uses IAM (SigV4) authorization: the callers are operator and CI roles that ' +
        'already have IAM identities; a Cognito user pool would be a second identity store.',
    });
    Validations.of(this.api).acknowledge({
      id: 'AwsSolutions-APIG3',
      reason:
        'IAM authorization rejects unsigned requests before they reach the function and the stage ' +
        'is throttled; a WAF web ACL (about $6/month) adds little for an internal operator API. ' +
        'Attach one if the API is ever exposed more widely.',
    });
    Validations.of(this.api).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
      reason:
        'The account-level role API Gateway uses to write execution logs; AWS documents this ' +
        'managed policy for it and it can only write logs.',
    });
  }
}
