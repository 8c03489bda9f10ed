import { beforeAll, describe, expect, it } from 'vitest';
import { liveAliasOf, resourcesOf, synthesize, type SynthesizedFjc } from './synth.js';

let fjc: SynthesizedFjc;
beforeAll(() => {
  fjc = synthesize();
});

const methods = () =>
  Object.values(resourcesOf(fjc.controlPlaneTemplate, 'AWS::ApiGateway::Method'));
const pathParts = () =>
  Object.values(resourcesOf(fjc.controlPlaneTemplate, 'AWS::ApiGateway::Resource')).map(
    (r) => r.Properties?.PathPart,
  );

describe('operator API', () => {
  it('has /v1/{proxy+} (ANY) and GET /v1/openapi.json, both to the api function alias', () => {
    expect(pathParts().sort()).toEqual(['openapi.json', 'v1', '{proxy+}']);
    expect(
      methods()
        .map((m) => m.Properties?.HttpMethod)
        .sort(),
    ).toEqual(['ANY', 'GET']);
    const apiFn = liveAliasOf(fjc.controlPlaneTemplate, 'api');
    for (const method of methods()) {
      expect(method.Properties?.Integration).toMatchObject({
        Type: 'AWS_PROXY',
        IntegrationHttpMethod: 'POST',
      });
      expect(JSON.stringify(method.Properties?.Integration)).toContain(apiFn);
    }
  });

  it('requires IAM authorization on every method', () => {
    expect(methods().length).toBeGreaterThan(0);
    for (const method of methods()) expect(method.Properties?.AuthorizationType).toBe('AWS_IAM');
  });

  it('validates requests on every method', () => {
    fjc.controlPlaneTemplate.hasResourceProperties('AWS::ApiGateway::RequestValidator', {
      ValidateRequestBody: true,
      ValidateRequestParameters: true,
    });
    for (const method of methods()) expect(method.Properties?.RequestValidatorId).toBeDefined();
    const proxy = methods().find((m) => m.Properties?.HttpMethod === 'ANY');
    expect(proxy?.Properties?.RequestParameters).toEqual({ 'method.request.path.proxy': true });
  });

  it('throttles, traces, logs errors and writes access logs to a log group', () => {
    const stages = Object.values(resourcesOf(fjc.controlPlaneTemplate, 'AWS::ApiGateway::Stage'));
    expect(stages).toHaveLength(1);
    expect(stages[0]?.Properties).toMatchObject({
      StageName: 'live',
      TracingEnabled: true,
      AccessLogSetting: {
        DestinationArn: { 'Fn::GetAtt': [expect.stringMatching(/^OperatorApiAccessLogs/), 'Arn'] },
      },
      MethodSettings: [
        {
          HttpMethod: '*',
          ResourcePath: '/*',
          ThrottlingRateLimit: 20,
          ThrottlingBurstLimit: 40,
          LoggingLevel: 'ERROR',
          DataTraceEnabled: false,
          MetricsEnabled: true,
        },
      ],
    });
    fjc.controlPlaneTemplate.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 90 });
  });

  it('is regional', () => {
    fjc.controlPlaneTemplate.hasResourceProperties('AWS::ApiGateway::RestApi', {
      EndpointConfiguration: { Types: ['REGIONAL'] },
    });
  });
});
