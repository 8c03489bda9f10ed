/**
 * The IAM managed policies a platform team hands to each team's CI role: one per team of the
 * team directory (`fjc:apiTeams`), writing only `specs/teams/<team>/` and reading only that
 * team's results, plus one for the platform team (`specs/admin/`). Exported as stack outputs;
 * cdk-nag clean with teams configured.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { resourcesOf, synthesize, type Resource, type SynthesizedFjc } from './synth.js';

const TEAMS = {
  admins: ['arn:aws:iam::111122223333:role/fjc-admin'],
  teams: { payments: ['arn:aws:iam::111122223333:role/payments-ci'], 'search-2': ['x'] },
};

let fjc: SynthesizedFjc;
beforeAll(() => {
  fjc = synthesize({ 'fjc:apiTeams': JSON.stringify(TEAMS) });
});

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
}

function policies(): Resource[] {
  return Object.values(resourcesOf(fjc.statefulTemplate, 'AWS::IAM::ManagedPolicy'));
}

function policyFor(description: RegExp): Statement[] {
  const found = policies().filter((p) => description.test(String(p.Properties?.Description)));
  expect(found).toHaveLength(1);
  return (found[0]?.Properties?.PolicyDocument as { Statement: Statement[] }).Statement;
}

/** The object-key patterns a statement's resources name (after the bucket ARN). */
function keyPatterns(statement: Statement): string[] {
  const resources = Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource];
  return resources.map((resource) => {
    const join = (resource as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
    const last = join?.[1].at(-1);
    return typeof last === 'string' ? last : JSON.stringify(resource);
  });
}

const actions = (s: Statement) => (Array.isArray(s.Action) ? s.Action : [s.Action]).sort();

describe('spec upload policies', () => {
  it('exist once per team and once for the platform team', () => {
    expect(policies()).toHaveLength(3);
  });

  it.each(['payments', 'search-2'])(
    'let team %s write and delete only its own spec files, and read only its results',
    (team) => {
      const statements = policyFor(new RegExp(`team ${team} `));
      const objects = statements.filter((s) => !actions(s).includes('s3:ListBucket'));
      expect(objects.every((s) => s.Effect === 'Allow')).toBe(true);
      const write = objects.find((s) => actions(s).includes('s3:PutObject'));
      expect(write && actions(write)).toEqual(['s3:DeleteObject', 's3:GetObject', 's3:PutObject']);
      expect(write && keyPatterns(write)).toEqual([`/specs/teams/${team}/*`]);
      const read = objects.filter((s) => s !== write);
      expect(read.map(actions)).toEqual([['s3:GetObject']]);
      expect(read.flatMap(keyPatterns)).toEqual([`/results/teams/${team}/*`]);
      // Listing is limited to the same two prefixes.
      const list = statements.find((s) => actions(s).includes('s3:ListBucket'));
      expect(list?.Condition).toEqual({
        StringLike: { 's3:prefix': [`specs/teams/${team}/*`, `results/teams/${team}/*`] },
      });
      expect(JSON.stringify(statements)).not.toMatch(/specs\/admin|specs\/\*|results\/\*/);
    },
  );

  it('let the platform team write specs/admin/ and read every result', () => {
    const statements = policyFor(/platform team/);
    const write = statements.find((s) => actions(s).includes('s3:PutObject'));
    expect(write && keyPatterns(write)).toEqual(['/specs/admin/*']);
    const read = statements.find(
      (s) => actions(s).length === 1 && actions(s)[0] === 's3:GetObject',
    );
    expect(read && keyPatterns(read)).toEqual(['/results/*']);
  });

  it('are stack outputs, exported by name', () => {
    const outputs = fjc.statefulTemplate.toJSON() as {
      Outputs: Record<string, { Export?: { Name: string }; Value: unknown }>;
    };
    const names = Object.values(outputs.Outputs).map((o) => o.Export?.Name);
    expect(names).toEqual(
      expect.arrayContaining([
        'FjcStateful-SpecPolicy-admin',
        'FjcStateful-SpecPolicy-team-payments',
        'FjcStateful-SpecPolicy-team-search-2',
      ]),
    );
  });

  it('without teams configured, only the platform team policy exists', () => {
    const bare = synthesize();
    expect(Object.keys(resourcesOf(bare.statefulTemplate, 'AWS::IAM::ManagedPolicy'))).toHaveLength(
      1,
    );
  });

  it('pass cdk-nag with teams configured', () => {
    const nagged = synthesize({ 'fjc:apiTeams': JSON.stringify(TEAMS) }, { nag: true });
    const nag = nagged.nag;
    if (nag === undefined) throw new Error('cdk-nag is not registered');
    const report = nag.validateScope(nagged.app);
    expect(
      report.violations.map(
        (v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(', ')}`,
      ),
    ).toEqual([]);
  });
});
