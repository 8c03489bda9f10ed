/**
 * Ingest's side of the event path: after a spec file's writes are committed, the jobs it created
 * or changed (and, on deletion, those it suspends) get one targeted reconcile request, named
 * after the S3 event; an unchanged or rejected file asks for nothing.
 */
import { describe, expect, it } from 'vitest';
import { clusterYaml, jobYaml, useBench, specKey, yamlFile, type Bench } from './fixtures.js';

let bench: Bench;

useBench((b) => {
  bench = b;
});

const FLEET = yamlFile(
  clusterYaml('eu-1'),
  jobYaml('orders', 'eu-1'),
  jobYaml('payments', 'eu-1', '  deletionPolicy: keep-running\n'),
);

describe('the event path from S3 ingest', () => {
  it('asks once per file for the jobs it created or changed, after storing them', async () => {
    const key = specKey('fleet.yaml');
    const event = await bench.upload(key, FLEET);
    await bench.handler(event);
    expect(bench.reconciles).toEqual([
      { jobNames: ['orders', 'payments'], correlationId: event.id },
    ]);
    expect((await bench.store.getJob('orders'))?.generation).toBe(1);

    // Unchanged: nothing to do. One job changed: just that one.
    await bench.handler(await bench.upload(key, FLEET));
    expect(bench.reconciles).toHaveLength(1);
    await bench.handler(
      await bench.upload(
        key,
        yamlFile(
          clusterYaml('eu-1'),
          jobYaml('orders', 'eu-1', '  parallelism: 2\n'),
          jobYaml('payments', 'eu-1', '  deletionPolicy: keep-running\n'),
        ),
      ),
    );
    expect(bench.reconciles.at(-1)?.jobNames).toEqual(['orders']);
  });

  it('asks for nothing when the file is rejected', async () => {
    await bench.handler(await bench.upload(specKey('bad.yaml'), jobYaml('orders', 'nowhere')));
    expect(bench.reconciles).toEqual([]);
  });

  it('asks for the jobs a deleted file suspends, not for those it releases', async () => {
    const key = specKey('fleet.yaml');
    await bench.handler(await bench.upload(key, FLEET));
    bench.reconciles.length = 0;
    const event = await bench.remove(key);
    await bench.handler(event);
    expect(bench.reconciles).toEqual([{ jobNames: ['orders'], correlationId: event.id }]);
  });
});
