/**
 * Global setup of the `flink` test project: a real Flink session cluster for the contract
 * tests. `FJC_FLINK_URL` points the suite at an existing cluster; otherwise one is installed
 * (cached) and started here and stopped in teardown, with a SQL Gateway in front of it.
 * `FJC_FLINK_VERSION` picks the version; with `FJC_FLINK_URL`, `FJC_SQL_GATEWAY_URL` names the
 * gateway of that cluster.
 */
import type { TestProject } from 'vitest/node';
import { ConfigurationError } from '../../functions/commons/errors.js';
import { startFlinkCluster, type FlinkClusterHandle } from '../../scripts/flink/cluster.js';
import { buildExampleJar } from '../../scripts/flink/example-jar.js';
import { startSqlGateway, type SqlGatewayHandle } from '../../scripts/flink/sql-gateway.js';

async function reportedVersion(url: string): Promise<string> {
  let response: Response;
  try {
    response = await fetch(`${url}/config`, { signal: AbortSignal.timeout(10_000) });
  } catch (error) {
    throw new ConfigurationError(`FJC_FLINK_URL ${url} cannot be reached`, {
      cause: error,
      remedy: 'Start that cluster, or unset FJC_FLINK_URL to let the tests start their own.',
    });
  }
  const config = (await response.json()) as { 'flink-version'?: unknown };
  const version = config['flink-version'];
  if (!response.ok || typeof version !== 'string' || version === '') {
    throw new ConfigurationError(`${url}/config does not look like a Flink REST endpoint`, {
      remedy: 'Point FJC_FLINK_URL at the JobManager REST port, e.g. http://127.0.0.1:8081.',
    });
  }
  return version;
}

/** Starts (or finds) the cluster, builds the example jar and provides both to the tests. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const external = process.env.FJC_FLINK_URL?.trim().replace(/\/+$/, '');
  let cluster: FlinkClusterHandle | undefined;
  let gateway: SqlGatewayHandle | undefined;
  let url: string;
  let version: string;
  if (external !== undefined && external !== '') {
    url = external;
    version = await reportedVersion(url);
  } else {
    cluster = await startFlinkCluster();
    url = cluster.url;
    version = cluster.version;
  }
  const stop = async (): Promise<void> => {
    await gateway?.stop();
    await cluster?.stop();
  };
  try {
    if (cluster !== undefined) gateway = await startSqlGateway(cluster);
    project.provide(
      'sqlGatewayUrl',
      gateway?.url ?? process.env.FJC_SQL_GATEWAY_URL?.trim().replace(/\/+$/, '') ?? '',
    );
    project.provide('flinkLogDir', cluster?.logDir ?? '');
    const exampleJar = await buildExampleJar(version);
    project.provide('flinkUrl', url);
    project.provide('flinkVersion', version);
    project.provide('exampleJar', exampleJar);
    project.provide('savepointDir', cluster?.savepointDir ?? '');
  } catch (error) {
    await stop();
    throw error;
  }
  console.log(`fjc: contract suite against real Flink ${version} at ${url}`);
  return stop;
}
