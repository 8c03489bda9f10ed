import { CfnOutput, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { ADMIN_SPECS_PREFIX, TEAM_SPECS_PREFIX } from '../../functions/ingest/key-scope.js';
import { resultKeyFor } from '../../functions/ingest/result.js';
import { nagRef } from '../nag-ref.js';

/** Properties of {@link SpecUploadPolicies}. */
export interface SpecUploadPoliciesProps {
  readonly bucket: s3.IBucket;
  /** The teams of the team directory (`fjc:apiTeams`): one policy each. */
  readonly teams: readonly string[];
}

/**
 * The IAM managed policies a platform team attaches to CI roles, one per author scope of spec
 * files (see functions/ingest/key-scope.ts): a team's role may write, delete and read only
 * `specs/teams/<team>/…` and read only that team's result objects; the platform team's role
 * writes `specs/admin/…` (clusters, any team's jobs) and reads every result. Since ingest takes
 * the key as the author's credential, these policies ARE the authorization of S3 ingest: a role
 * must never get `specs/*`.
 *
 * Each policy ARN is a stack output exported as `<stack>-SpecPolicy-team-<team>` or
 * `<stack>-SpecPolicy-admin`. They live in the stateful stack so that roles holding them are not
 * in the way when the control plane is destroyed and redeployed.
 */
export class SpecUploadPolicies extends Construct {
  readonly admin: iam.ManagedPolicy;
  readonly teams: ReadonlyMap<string, iam.ManagedPolicy>;

  constructor(scope: Construct, id: string, props: SpecUploadPoliciesProps) {
    super(scope, id);
    const { bucket } = props;
    // results/<key without specs/>: the results of a scope mirror its prefix.
    const resultsOf = (prefix: string) => resultKeyFor(prefix).slice(0, -'.result.json'.length);

    this.admin = this.policy(
      'Admin',
      'fjc: spec files of the platform team (specs/admin/: clusters and any team jobs)',
      bucket,
      ADMIN_SPECS_PREFIX,
      'results/',
    );
    this.output('admin', this.admin, 'Spec upload policy of the platform team (specs/admin/)');

    const teams = new Map<string, iam.ManagedPolicy>();
    for (const team of props.teams) {
      const prefix = `${TEAM_SPECS_PREFIX}${team}/`;
      const policy = this.policy(
        `Team-${team}`,
        `fjc: spec files of team ${team} (${prefix}) and their results`,
        bucket,
        prefix,
        resultsOf(prefix),
      );
      this.output(`team-${team}`, policy, `Spec upload policy of team ${team} (${prefix})`);
      teams.set(team, policy);
    }
    this.teams = teams;
  }

  private policy(
    id: string,
    description: string,
    bucket: s3.IBucket,
    specs: string,
    results: string,
  ): iam.ManagedPolicy {
    const policy = new iam.ManagedPolicy(this, id, {
      description,
      statements: [
        new iam.PolicyStatement({
          actions: ['s3:PutObject', 's3:DeleteObject', 's3:GetObject'],
          resources: [bucket.arnForObjects(`${specs}*`)],
        }),
        new iam.PolicyStatement({
          actions: ['s3:GetObject'],
          resources: [bucket.arnForObjects(`${results}*`)],
        }),
        // `aws s3 sync` lists before it copies; only the two prefixes are visible.
        new iam.PolicyStatement({
          actions: ['s3:ListBucket'],
          resources: [bucket.bucketArn],
          conditions: { StringLike: { 's3:prefix': [`${specs}*`, `${results}*`] } },
        }),
      ],
    });
    const arn = nagRef(this, bucket.bucketArn);
    Validations.of(policy).acknowledge(
      {
        id: `AwsSolutions-IAM5[Resource::${arn}/${specs}*]`,
        reason: `Spec files are uploaded under ${specs} with names the author chooses; the prefix is the author's scope, and nothing outside it is granted.`,
      },
      {
        id: `AwsSolutions-IAM5[Resource::${arn}/${results}*]`,
        reason: `Ingest writes the result of each spec file under ${results}, mirroring the spec key; only reading is granted.`,
      },
    );
    return policy;
  }

  private output(name: string, policy: iam.ManagedPolicy, description: string): void {
    const stack = Stack.of(this);
    new CfnOutput(this, `SpecPolicy-${name}`, {
      value: policy.managedPolicyArn,
      description,
      exportName: `${stack.stackName}-SpecPolicy-${name}`,
    });
  }
}
