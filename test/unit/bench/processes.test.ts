import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { createTable } from '../../support/dynalite.js';
import {
  dynaliteClient,
  startDynaliteProcess,
  startFleetProcess,
} from '../../../scripts/bench/processes.js';

describe('the benchmark stand-ins in processes of their own', () => {
  it('serve the fleet and report its counters over the IPC channel', async () => {
    const fleet = await startFleetProcess({ clusters: 2, jobsPerCluster: 2 });
    try {
      expect(fleet.ready.urls).toHaveLength(2);
      expect(fleet.pid).not.toBe(process.pid);
      const res = await fetch(`${fleet.ready.urls[1] ?? ''}/jobs/overview`);
      expect(((await res.json()) as { jobs: unknown[] }).jobs).toHaveLength(2);
      expect((await fleet.counts()).byRoute).toEqual({ 'GET /jobs/overview': 1 });
      await fleet.resetCounts();
      expect((await fleet.counts()).total).toBe(0);
    } finally {
      await fleet.stop();
    }
  });

  it('serve dynalite to a client of this process', async () => {
    const dynamo = await startDynaliteProcess();
    const client = dynaliteClient(dynamo.ready.endpoint);
    try {
      await createTable(client, 'fjc-bench-proc');
      expect((await client.send(new ListTablesCommand({}))).TableNames).toEqual(['fjc-bench-proc']);
    } finally {
      client.destroy();
      await dynamo.stop();
    }
  });
});
