/**
 * `npm run local`: fjc on this machine against a real Flink. For now it brings up the local
 * Flink session cluster (or uses FJC_FLINK_URL), builds the example job, prints the Flink URL
 * and runs until Ctrl-C, then stops Flink cleanly. State lives under `<repo>/.local/`.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { startFlinkCluster, type FlinkClusterHandle } from './flink/cluster.js';
import { buildExampleJar } from './flink/example-jar.js';
import { log, repoRoot } from './flink/paths.js';

const localDir = join(repoRoot, '.local');

/** A running piece of the local stack, stopped in reverse order of starting. */
interface Service {
  name: string;
  stop(): Promise<void>;
}

/** The Flink to use: FJC_FLINK_URL when set, else a cluster of our own under .local/flink. */
async function startFlink(services: Service[]): Promise<{ url: string; version: string }> {
  const external = process.env.FJC_FLINK_URL?.trim().replace(/\/+$/, '');
  if (external !== undefined && external !== '') {
    const response = await fetch(`${external}/config`);
    const config = (await response.json()) as { 'flink-version'?: string };
    return { url: external, version: config['flink-version'] ?? '' };
  }
  const cluster: FlinkClusterHandle = await startFlinkCluster({
    workDir: join(localDir, 'flink'),
  });
  services.push({ name: 'Flink', stop: () => cluster.stop() });
  return { url: cluster.url, version: cluster.version };
}

async function stopAll(services: Service[]): Promise<void> {
  for (const service of services.reverse()) {
    log(`stopping ${service.name}`);
    await service.stop();
  }
}

/** Runs until SIGINT/SIGTERM, then stops everything it started. */
async function main(): Promise<void> {
  await mkdir(localDir, { recursive: true });
  const services: Service[] = [];
  let stopping = false;
  const shutdown = (): void => {
    if (stopping) return;
    stopping = true;
    void stopAll(services).then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  // Registered first, so a Ctrl-C during start-up also stops what has started so far.
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);

  try {
    const flink = await startFlink(services);
    const jar = await buildExampleJar(flink.version);
    log(`example job jar: ${jar}`);
    console.log(`Flink: ${flink.url}`);
    log('running; press Ctrl-C to stop');
  } catch (error) {
    await stopAll(services);
    throw error;
  }
  // Keeps the event loop alive even when nothing else would (an external Flink); the signal
  // handlers above end the process.
  setInterval(() => undefined, 1 << 30);
}

await main();
