import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import type { NetworkSettings } from '../settings/network.js';

/**
 * The network of the Flink-facing functions inside the operator's VPC: their security group,
 * which may open connections only to the Flink REST ports of the configured ranges and HTTPS to
 * AWS, and (unless `fjc:vpcEndpoints=none`) the VPC endpoints of the services they call: DynamoDB
 * and S3 (gateway, free) and Secrets Manager and Step Functions (interface). Nothing needs
 * ingress: the functions only open connections.
 */
export class ControlPlaneNetwork extends Construct {
  readonly vpc: ec2.IVpc;
  readonly subnets: ec2.ISubnet[];
  readonly securityGroup: ec2.SecurityGroup;
  /** The function security group plus `fjc:securityGroupIds`. */
  readonly securityGroups: ec2.ISecurityGroup[];
  /** Only when the endpoints are created. */
  readonly endpointSecurityGroup?: ec2.SecurityGroup;

  constructor(scope: Construct, id: string, settings: NetworkSettings) {
    super(scope, id);
    this.subnets = settings.subnetIds.map((subnetId, i) =>
      ec2.Subnet.fromSubnetId(this, `Subnet${i}`, subnetId),
    );
    // Only the id is used (security groups, endpoints); subnets are always given explicitly.
    this.vpc = ec2.Vpc.fromVpcAttributes(this, 'Vpc', {
      vpcId: settings.vpcId,
      availabilityZones: ['placeholder'],
    });
    this.securityGroup = new ec2.SecurityGroup(this, 'Functions', {
      vpc: this.vpc,
      description: 'fjc reconcile/deploy/verify: Flink REST and AWS APIs only',
      allowAllOutbound: false,
    });
    for (const cidr of settings.flinkCidrs)
      for (const port of settings.flinkPorts)
        this.securityGroup.addEgressRule(
          ec2.Peer.ipv4(cidr),
          ec2.Port.tcp(port),
          `Flink REST at ${cidr}:${port}`,
        );

    if (settings.endpoints === 'create') {
      this.endpointSecurityGroup = new ec2.SecurityGroup(this, 'Endpoints', {
        vpc: this.vpc,
        description: 'fjc interface endpoints: HTTPS from the fjc functions only',
        allowAllOutbound: false,
      });
      this.endpointSecurityGroup.addIngressRule(
        this.securityGroup,
        ec2.Port.tcp(443),
        'HTTPS from the fjc functions',
      );
      this.securityGroup.addEgressRule(
        this.endpointSecurityGroup,
        ec2.Port.tcp(443),
        'HTTPS to the interface endpoints',
      );
      const routeTables = settings.routeTableIds.map((routeTableId) => ({ routeTableId }));
      for (const [name, service] of [
        ['DynamoDb', ec2.GatewayVpcEndpointAwsService.DYNAMODB],
        ['S3', ec2.GatewayVpcEndpointAwsService.S3],
      ] as const)
        new ec2.CfnVPCEndpoint(this, name, {
          vpcId: settings.vpcId,
          serviceName: service.name,
          vpcEndpointType: 'Gateway',
          routeTableIds: routeTables.map((r) => r.routeTableId),
        });
      for (const [name, service] of [
        ['SecretsManager', ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER],
        ['StepFunctions', ec2.InterfaceVpcEndpointAwsService.STEP_FUNCTIONS],
      ] as const)
        new ec2.InterfaceVpcEndpoint(this, name, {
          vpc: this.vpc,
          service,
          subnets: { subnets: this.subnets },
          securityGroups: [this.endpointSecurityGroup],
          privateDnsEnabled: true,
          open: false,
        });
    }
    // DynamoDB and S3 answer on public addresses (reached through the gateway endpoints or NAT).
    if (settings.awsPrefixListIds.length > 0)
      for (const prefixList of settings.awsPrefixListIds)
        this.securityGroup.addEgressRule(
          ec2.Peer.prefixList(prefixList),
          ec2.Port.tcp(443),
          `HTTPS to ${prefixList} (S3 or DynamoDB)`,
        );
    else
      this.securityGroup.addEgressRule(
        ec2.Peer.anyIpv4(),
        ec2.Port.tcp(443),
        'HTTPS to AWS APIs; without NAT the routes keep it to the gateway endpoints',
      );

    this.securityGroups = [
      this.securityGroup,
      ...settings.securityGroupIds.map((sg, i) =>
        ec2.SecurityGroup.fromSecurityGroupId(this, `Extra${i}`, sg, { mutable: false }),
      ),
    ];
  }
}
