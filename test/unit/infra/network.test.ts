/**
 * The VPC variant (`fjc:vpcId` and companions): reconcile, deploy and verify run in the given
 * subnets behind a security group that reaches only the Flink REST ports of the given ranges and
 * HTTPS to AWS; gateway endpoints for DynamoDB and S3, interface endpoints for Secrets Manager and
 * Step Functions; api and ingest stay outside. The default has no VPC at all. Both are cdk-nag
 * and cfn-lint clean.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFjcApp } from '../../../lib/fjc-app.js';
import { cfnLint, ensureCfnLint } from './cfn-lint.js';
import { defined, functionReaders, resourcesOf, synthesize, type SynthesizedFjc } from './synth.js';

const VPC = {
  'fjc:vpcId': 'vpc-0123456789abcdef0',
  'fjc:subnetIds': 'subnet-0aaaaaaaaaaaaaaa1,subnet-0bbbbbbbbbbbbbbb2',
  'fjc:routeTableIds': ['rtb-0ccccccccccccccc3'],
  'fjc:flinkCidrs': '10.20.0.0/16',
  'fjc:flinkPorts': '8081',
  'fjc:securityGroupIds': 'sg-0ddddddddddddddd4',
};

let vpc: SynthesizedFjc;
let plain: SynthesizedFjc;
let outdir: string;
beforeAll(() => {
  vpc = synthesize(VPC);
  plain = synthesize();
  outdir = mkdtempSync(join(tmpdir(), 'fjc-vpc-'));
}, 120_000);
afterAll(() => {
  rmSync(outdir, { recursive: true, force: true });
});

const inVpc = functionReaders(() => vpc.controlPlaneTemplate);
const outside = functionReaders(() => plain.controlPlaneTemplate);
const groupOf = (template: SynthesizedFjc, prefix: string) =>
  defined(
    Object.entries(resourcesOf(template.controlPlaneTemplate, 'AWS::EC2::SecurityGroup')).find(
      ([id]) => id.startsWith(prefix),
    ),
    prefix,
  );

describe('default (no fjc:vpcId)', () => {
  it('puts no function in a VPC and creates no network resources', () => {
    for (const handler of ['reconcile', 'deploy', 'verify', 'ingest', 'api'])
      expect(outside.props(handler).VpcConfig).toBeUndefined();
    for (const type of ['AWS::EC2::SecurityGroup', 'AWS::EC2::VPCEndpoint'])
      plain.controlPlaneTemplate.resourceCountIs(type, 0);
  });
});

describe('fjc:vpcId', () => {
  it('runs reconcile, deploy and verify in the subnets with the fjc group and the extra one; api and ingest outside', () => {
    const [groupId] = groupOf(vpc, 'NetworkFunctions');
    for (const handler of ['reconcile', 'deploy', 'verify'])
      expect(inVpc.props(handler).VpcConfig).toEqual({
        SubnetIds: ['subnet-0aaaaaaaaaaaaaaa1', 'subnet-0bbbbbbbbbbbbbbb2'],
        SecurityGroupIds: [{ 'Fn::GetAtt': [groupId, 'GroupId'] }, 'sg-0ddddddddddddddd4'],
      });
    for (const handler of ['ingest', 'api']) expect(inVpc.props(handler).VpcConfig).toBeUndefined();
  });

  it('lets the functions open connections only to the Flink ports of the ranges and HTTPS to AWS', () => {
    const [, group] = groupOf(vpc, 'NetworkFunctions');
    const [endpointGroupId] = groupOf(vpc, 'NetworkEndpoints');
    expect(group.Properties?.SecurityGroupIngress).toBeUndefined();
    const egress = (group.Properties?.SecurityGroupEgress ?? []) as Record<string, unknown>[];
    expect(egress.map((rule) => ({ ...rule, Description: undefined }))).toEqual([
      {
        IpProtocol: 'tcp',
        CidrIp: '10.20.0.0/16',
        FromPort: 8081,
        ToPort: 8081,
        Description: undefined,
      },
      {
        IpProtocol: 'tcp',
        CidrIp: '0.0.0.0/0',
        FromPort: 443,
        ToPort: 443,
        Description: undefined,
      },
    ]);
    // HTTPS to the interface endpoints, whose group admits the functions only.
    vpc.controlPlaneTemplate.hasResourceProperties('AWS::EC2::SecurityGroupEgress', {
      DestinationSecurityGroupId: { 'Fn::GetAtt': [endpointGroupId, 'GroupId'] },
      FromPort: 443,
      ToPort: 443,
    });
    vpc.controlPlaneTemplate.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      GroupId: { 'Fn::GetAtt': [endpointGroupId, 'GroupId'] },
      FromPort: 443,
      ToPort: 443,
    });
  });

  it('with fjc:awsPrefixListIds, HTTPS leaves only to those prefix lists and the endpoints', () => {
    const narrow = synthesize({ ...VPC, 'fjc:awsPrefixListIds': 'pl-0123abcd,pl-4567cdef' });
    const [groupId, group] = groupOf(narrow, 'NetworkFunctions');
    expect(JSON.stringify(group.Properties?.SecurityGroupEgress)).not.toContain('0.0.0.0/0');
    for (const prefixList of ['pl-0123abcd', 'pl-4567cdef'])
      narrow.controlPlaneTemplate.hasResourceProperties('AWS::EC2::SecurityGroupEgress', {
        GroupId: { 'Fn::GetAtt': [groupId, 'GroupId'] },
        DestinationPrefixListId: prefixList,
        FromPort: 443,
        ToPort: 443,
      });
  });

  it('creates gateway endpoints for DynamoDB and S3 and private interface endpoints for Secrets Manager and Step Functions', () => {
    const endpoints = Object.values(
      resourcesOf(vpc.controlPlaneTemplate, 'AWS::EC2::VPCEndpoint'),
    ).map((e) => e.Properties ?? {});
    const gateways = endpoints.filter((e) => e.VpcEndpointType === 'Gateway');
    expect(gateways.map((e) => JSON.stringify(e.ServiceName)).sort()).toEqual([
      expect.stringContaining('.dynamodb'),
      expect.stringContaining('.s3'),
    ]);
    for (const gateway of gateways) {
      expect(gateway.RouteTableIds).toEqual(['rtb-0ccccccccccccccc3']);
      expect(gateway.VpcId).toBe('vpc-0123456789abcdef0');
    }
    const interfaces = endpoints.filter((e) => e.VpcEndpointType === 'Interface');
    expect(interfaces.map((e) => JSON.stringify(e.ServiceName)).sort()).toEqual([
      expect.stringContaining('.secretsmanager'),
      expect.stringContaining('.states'),
    ]);
    for (const endpoint of interfaces)
      expect(endpoint).toMatchObject({
        PrivateDnsEnabled: true,
        SubnetIds: ['subnet-0aaaaaaaaaaaaaaa1', 'subnet-0bbbbbbbbbbbbbbb2'],
      });
  });

  it('with fjc:vpcEndpoints=none, creates no endpoints and needs no route tables (NAT)', () => {
    const nat = synthesize({ ...VPC, 'fjc:routeTableIds': '', 'fjc:vpcEndpoints': 'none' });
    nat.controlPlaneTemplate.resourceCountIs('AWS::EC2::VPCEndpoint', 0);
    expect(functionReaders(() => nat.controlPlaneTemplate).props('deploy').VpcConfig).toBeDefined();
  });

  it.each([
    [{ 'fjc:vpcId': 'vpc-0123456789abcdef0' }, /fjc:subnetIds is required/],
    [{ ...VPC, 'fjc:flinkCidrs': '' }, /fjc:flinkCidrs is required/],
    [{ ...VPC, 'fjc:flinkCidrs': '10.0.0.0/33' }, /fjc:flinkCidrs must hold IPv4 CIDRs/],
    [{ ...VPC, 'fjc:subnetIds': 'subnet-nope' }, /fjc:subnetIds must hold subnet ids/],
    [{ ...VPC, 'fjc:routeTableIds': '' }, /fjc:routeTableIds is required/],
    [{ ...VPC, 'fjc:flinkPorts': '0' }, /fjc:flinkPorts must hold TCP ports/],
    [{ ...VPC, 'fjc:vpcEndpoints': 'some' }, /fjc:vpcEndpoints must be "create" or "none"/],
    [{ 'fjc:subnetIds': 'subnet-0aaaaaaaaaaaaaaa1' }, /fjc:subnetIds needs fjc:vpcId/],
    [{ ...VPC, 'fjc:vpcId': 'my-vpc' }, /fjc:vpcId must be a VPC id/],
  ])('refuses %j at synth, naming the key', (context, message) => {
    expect(() => synthesize(context)).toThrow(message);
  });

  it('is cdk-nag clean', () => {
    const fjc = createFjcApp({ context: { 'fjc:bundle': false, ...VPC } });
    const nag = defined(fjc.nag, 'nag');
    const report = nag.validateScope(fjc.app);
    expect(
      report.violations.map(
        (v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(', ')}`,
      ),
    ).toEqual([]);
  });

  it('is cfn-lint clean', () => {
    ensureCfnLint();
    createFjcApp({ outdir, nag: false, context: { 'fjc:bundle': false, ...VPC } }).app.synth();
    const templates = readdirSync(outdir)
      .filter((name) => name.endsWith('.template.json'))
      .map((name) => join(outdir, name));
    expect(templates).toHaveLength(2);
    // W3005: see cfn-lint.test.ts (CDK's redundant DependsOn on the role).
    expect(
      cfnLint(templates, ['W3005']).map(
        (m) => `${m.Level} ${m.Rule.Id} ${m.Filename}: ${m.Message}`,
      ),
    ).toEqual([]);
  }, 300_000);
});
