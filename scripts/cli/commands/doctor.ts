/**
 * `fjc doctor`: checks from the outside what a deployment needs on day one, one line per check,
 * each failure with what to do about it:
 * 1. the API answers at the endpoint (an unauthenticated-safe read: the OpenAPI document);
 * 2. a signed call is accepted, and who the API takes the caller for (`GET /v1/whoami`);
 * 3. the caller may change something (admin, or at least one team): otherwise the team
 *    directory (`fjc:apiTeams`) does not name it yet;
 * 4. clusters are registered (`GET /v1/clusters`): none means the first `fjc apply` of a
 *    FlinkCluster by an admin is still to come;
 * 5. for an admin, each registered cluster as the control plane sees it
 *    (`POST /v1/clusters/probe`, answered by the reconcile function, which runs where the
 *    Flink-facing network is): REST reachable and its Flink version, secrets readable, checkpoint
 *    storage listable. Others are told that the probe needs an admin.
 */
import type { ApiClient } from '../api-client.js';
import type { CommandContext } from '../context.js';
import { CliError, EXIT, type ExitCode } from '../errors.js';

interface Whoami {
  principal: string;
  admin: boolean;
  teams: string[];
  quotas: Record<string, { maxJobs?: number; maxParallelism?: number }>;
}

interface ClusterPage {
  items: { name: string; url?: string }[];
  cursor?: string;
}

interface ProbeCheck {
  check: string;
  outcome: 'ok' | 'failed' | 'skipped';
  detail: string;
  remedy?: string;
}

interface ProbeAnswer {
  ok: boolean;
  clusters: { cluster: string; ok: boolean; flinkVersion?: string; checks: ProbeCheck[] }[];
}

/** Clusters per probe request: the API's limit (MAX_PROBED_CLUSTERS). */
const PROBE_BATCH = 16;

type Outcome = 'ok' | 'warn' | 'fail';

function describe(error: unknown): string {
  if (error instanceof CliError)
    return [error.message, error.remedy === undefined ? '' : ` (${error.remedy})`].join('');
  return error instanceof Error ? error.message : String(error);
}

function quotaText(quotas: Whoami['quotas'], team: string): string {
  const quota = quotas[team];
  if (quota === undefined) return team;
  const limits = [
    quota.maxJobs === undefined ? undefined : `maxJobs ${String(quota.maxJobs)}`,
    quota.maxParallelism === undefined
      ? undefined
      : `maxParallelism ${String(quota.maxParallelism)}`,
  ].filter((limit) => limit !== undefined);
  return limits.length === 0 ? team : `${team} (${limits.join(', ')})`;
}

/** Runs the checks; exit 0 when none failed (warnings allowed), 1 otherwise. */
export async function doctorCommand(ctx: CommandContext): Promise<ExitCode> {
  const { io } = ctx;
  // An object, not a `let`: the checks below set it through `report`.
  const verdict = { failed: false };
  const report = (outcome: Outcome, text: string, remedy?: string): void => {
    if (outcome === 'fail') verdict.failed = true;
    const mark = outcome === 'ok' ? 'ok  ' : outcome === 'warn' ? 'warn' : 'FAIL';
    io.stdout(`${mark}  ${text}\n`);
    if (remedy !== undefined && outcome !== 'ok') io.stdout(`      → ${remedy}\n`);
  };

  let client: ApiClient;
  try {
    client = await ctx.client();
  } catch (error) {
    report('fail', `no endpoint: ${describe(error)}`, 'Pass --endpoint or set FJC_ENDPOINT.');
    return EXIT.FAILED;
  }
  const endpoint = client.url('').toString();

  try {
    await client.request('GET', '/v1/openapi.json');
    report('ok', `API reachable at ${endpoint}`);
  } catch (error) {
    const status = error instanceof CliError ? error.httpStatus : undefined;
    if (status === 401 || status === 403)
      report('ok', `API reachable at ${endpoint} (it refuses this caller: see below)`);
    else {
      report(
        'fail',
        `API not reachable at ${endpoint}: ${describe(error)}`,
        'Check the endpoint (the stack output ApiUrl), the network and the region.',
      );
      return EXIT.FAILED;
    }
  }

  let me: Whoami | undefined;
  try {
    me = (await client.request<Whoami>('GET', '/v1/whoami')).body;
    report('ok', `signed call accepted; you are ${me.principal}`);
  } catch (error) {
    report(
      'fail',
      `signed call refused: ${describe(error)}`,
      'Use credentials of an IAM principal allowed to invoke the API (execute-api:Invoke), e.g. AWS_PROFILE=…',
    );
  }

  if (me !== undefined) {
    if (me.admin)
      report(
        'ok',
        `admin${me.teams.length > 0 ? `; teams: ${me.teams.map((t) => quotaText(me.quotas, t)).join(', ')}` : ''}`,
      );
    else if (me.teams.length > 0)
      report('ok', `teams: ${me.teams.map((t) => quotaText(me.quotas, t)).join(', ')}`);
    else
      report(
        'fail',
        'you are in no team and not an admin: the API lets you read clusters only',
        `Add a pattern matching ${me.principal} to fjc:apiTeams (admins or a team) and deploy again (docs/day-one.md).`,
      );
  }

  let names: string[] = [];
  try {
    const clusters = (await client.request<ClusterPage>('GET', '/v1/clusters')).body.items;
    names = clusters.map((c) => c.name);
    if (clusters.length === 0)
      report(
        'warn',
        'no cluster is registered yet',
        'An admin registers the first one: fjc apply cluster.yaml (a FlinkCluster document; docs/day-one.md).',
      );
    else report('ok', `clusters registered: ${names.join(', ')}`);
  } catch (error) {
    report('fail', `clusters cannot be listed: ${describe(error)}`);
  }

  if (me !== undefined && !me.admin)
    report(
      'warn',
      'clusters not probed from the control plane (REST, secrets, checkpoint storage): the probe needs an admin',
    );
  else if (me !== undefined && names.length > 0) await probe(client, names, report, io.stdout);
  return verdict.failed ? EXIT.FAILED : EXIT.OK;
}

const MARK: Record<ProbeCheck['outcome'], string> = { ok: 'ok  ', failed: 'FAIL', skipped: 'skip' };

/**
 * Asks the control plane to probe `names` ({@link PROBE_BATCH} per request) and prints one line
 * per cluster, then its checks as a table, each failure with its remedy.
 */
async function probe(
  client: ApiClient,
  names: readonly string[],
  report: (outcome: Outcome, text: string, remedy?: string) => void,
  print: (text: string) => void,
): Promise<void> {
  for (let i = 0; i < names.length; i += PROBE_BATCH) {
    const batch = names.slice(i, i + PROBE_BATCH);
    let answer: ProbeAnswer;
    try {
      answer = (
        await client.request<ProbeAnswer>('POST', '/v1/clusters/probe', {
          query: { clusters: batch.join(',') },
        })
      ).body;
    } catch (error) {
      const status = error instanceof CliError ? error.httpStatus : undefined;
      if (status === 404 || status === 405)
        report(
          'warn',
          'clusters not probed: this API has no probe yet (an fjc older than this CLI)',
          'Deploy this fjc version to check the clusters from the control plane.',
        );
      else report('fail', `clusters not probed: ${describe(error)}`);
      return;
    }
    for (const cluster of answer.clusters) {
      const version = cluster.flinkVersion === undefined ? '' : `, Flink ${cluster.flinkVersion}`;
      report(
        cluster.ok ? 'ok' : 'fail',
        `cluster ${cluster.cluster} from the control plane${cluster.ok ? version : ': a check failed'}`,
      );
      const width = Math.max(...cluster.checks.map((c) => c.check.length));
      for (const check of cluster.checks) {
        print(`      ${check.check.padEnd(width)}  ${MARK[check.outcome]}  ${check.detail}\n`);
        if (check.outcome === 'failed' && check.remedy !== undefined)
          print(`      ${' '.repeat(width)}        → ${check.remedy}\n`);
      }
    }
  }
}
