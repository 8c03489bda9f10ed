import type { Node } from 'constructs';

/**
 * Where the Flink-facing functions (reconcile, deploy, verify) run when the clusters' REST
 * endpoints are private: subnets of the operator's VPC, read from context with explicit ids (no
 * lookups, so synth stays offline and account-free).
 */
export interface NetworkSettings {
  /** `fjc:vpcId`. */
  readonly vpcId: string;
  /** `fjc:subnetIds`: private subnets with a route to the clusters, ideally one per AZ. */
  readonly subnetIds: readonly string[];
  /** `fjc:flinkCidrs`: the only ranges the functions may open connections to (besides AWS). */
  readonly flinkCidrs: readonly string[];
  /** `fjc:flinkPorts` (default 8081 and 443): the Flink REST (and SQL gateway) ports. */
  readonly flinkPorts: readonly number[];
  /** `fjc:securityGroupIds`: existing groups to attach as well (e.g. one a cluster admits). */
  readonly securityGroupIds: readonly string[];
  /**
   * `fjc:vpcEndpoints`: `create` (default) creates the gateway endpoints for DynamoDB and S3 on
   * `routeTableIds` and interface endpoints for Secrets Manager and Step Functions; `none` relies
   * on a NAT gateway or endpoints the VPC already has.
   */
  readonly endpoints: 'create' | 'none';
  /** `fjc:routeTableIds`: the route tables of the subnets (for the gateway endpoints). */
  readonly routeTableIds: readonly string[];
  /**
   * `fjc:awsPrefixListIds`: the region's managed prefix lists of S3 and DynamoDB (`pl-…`). When
   * given, HTTPS leaves only to them and to the interface endpoints; when not, HTTPS may go to
   * any address and only the routes (no NAT, no internet gateway) keep it inside AWS.
   */
  readonly awsPrefixListIds: readonly string[];
}

export const DEFAULT_FLINK_PORTS = [8081, 443];

const ID = {
  vpc: /^vpc-[0-9a-f]{8,17}$/,
  subnet: /^subnet-[0-9a-f]{8,17}$/,
  securityGroup: /^sg-[0-9a-f]{8,17}$/,
  routeTable: /^rtb-[0-9a-f]{8,17}$/,
  prefixList: /^pl-[0-9a-f]{8,17}$/,
};
const IPV4_CIDR = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}\/(3[0-2]|[12]?\d)$/;

/** A context list: a JSON list of strings, or a comma-separated string. */
function list(node: Node, key: string): string[] {
  const raw: unknown = node.tryGetContext(key);
  if (raw === undefined || raw === '') return [];
  if (typeof raw === 'string')
    return raw
      .split(',')
      .map((part) => part.trim())
      .filter((part) => part !== '');
  if (Array.isArray(raw) && raw.every((entry) => typeof entry === 'string')) return raw;
  throw new Error(`Context ${key} must be a list or a comma-separated string`);
}

function matching(key: string, values: string[], pattern: RegExp, what: string): string[] {
  const wrong = values.filter((value) => !pattern.test(value));
  if (wrong.length > 0)
    throw new Error(
      `Context ${key} must hold ${what}, got ${wrong.map((w) => JSON.stringify(w)).join(', ')}`,
    );
  return values;
}

/**
 * Reads the network context; `undefined` without `fjc:vpcId` (the functions then run outside any
 * VPC, as before). A missing or malformed companion key fails the synth naming it.
 */
export function readNetworkSettings(node: Node): NetworkSettings | undefined {
  const vpcId: unknown = node.tryGetContext('fjc:vpcId');
  if (vpcId === undefined || vpcId === '') {
    for (const key of [
      'fjc:subnetIds',
      'fjc:flinkCidrs',
      'fjc:securityGroupIds',
      'fjc:routeTableIds',
    ])
      if (list(node, key).length > 0) throw new Error(`Context ${key} needs fjc:vpcId as well`);
    return undefined;
  }
  if (typeof vpcId !== 'string' || !ID.vpc.test(vpcId))
    throw new Error(`Context fjc:vpcId must be a VPC id (vpc-…), got ${JSON.stringify(vpcId)}`);
  const subnetIds = matching(
    'fjc:subnetIds',
    list(node, 'fjc:subnetIds'),
    ID.subnet,
    'subnet ids (subnet-…)',
  );
  if (subnetIds.length === 0)
    throw new Error(
      'Context fjc:subnetIds is required with fjc:vpcId: the private subnets to run in',
    );
  const flinkCidrs = matching(
    'fjc:flinkCidrs',
    list(node, 'fjc:flinkCidrs'),
    IPV4_CIDR,
    'IPv4 CIDRs',
  );
  if (flinkCidrs.length === 0)
    throw new Error(
      'Context fjc:flinkCidrs is required with fjc:vpcId: the ranges of the Flink REST endpoints',
    );
  const portTexts = list(node, 'fjc:flinkPorts');
  const flinkPorts =
    portTexts.length === 0
      ? DEFAULT_FLINK_PORTS
      : portTexts.map((text) => {
          const port = Number(text);
          if (!Number.isInteger(port) || port < 1 || port > 65_535)
            throw new Error(
              `Context fjc:flinkPorts must hold TCP ports, got ${JSON.stringify(text)}`,
            );
          return port;
        });
  const endpoints: unknown = node.tryGetContext('fjc:vpcEndpoints') ?? 'create';
  if (endpoints !== 'create' && endpoints !== 'none')
    throw new Error(
      `Context fjc:vpcEndpoints must be "create" or "none", got ${JSON.stringify(endpoints)}`,
    );
  const routeTableIds = matching(
    'fjc:routeTableIds',
    list(node, 'fjc:routeTableIds'),
    ID.routeTable,
    'route table ids (rtb-…)',
  );
  if (endpoints === 'create' && routeTableIds.length === 0)
    throw new Error(
      'Context fjc:routeTableIds is required when fjc:vpcEndpoints is "create": the gateway ' +
        'endpoints for DynamoDB and S3 are routes in them (or set fjc:vpcEndpoints=none with a NAT gateway)',
    );
  return {
    vpcId,
    subnetIds,
    flinkCidrs,
    flinkPorts,
    securityGroupIds: matching(
      'fjc:securityGroupIds',
      list(node, 'fjc:securityGroupIds'),
      ID.securityGroup,
      'security group ids (sg-…)',
    ),
    endpoints,
    routeTableIds,
    awsPrefixListIds: matching(
      'fjc:awsPrefixListIds',
      list(node, 'fjc:awsPrefixListIds'),
      ID.prefixList,
      'prefix list ids (pl-…)',
    ),
  };
}
