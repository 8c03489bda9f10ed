/**
 * The benchmark's stand-ins in a process of their own, so that their CPU time is not the
 * controller's (nor the load generator's): `tsx scripts/bench/child.ts dynalite`,
 * `tsx scripts/bench/child.ts fleet '<FlinkFleetOptions as JSON>'` or
 * `tsx scripts/bench/child.ts api '{"endpoint": "<dynalite>", "table": "<name>"}'` (the local
 * API server on that table, the principal `bench` an admin). It prints one JSON line once listening (the endpoints), then
 * answers control messages over the IPC channel (`counts`, `reset`) and exits when the channel
 * closes, so a parent that dies takes it along.
 */
import { ConfigurationError } from '../../functions/commons/errors.js';
import { StaticTeamDirectory } from '../../functions/api/team-directory.js';
import { DynamoJobStore } from '../../functions/store/dynamo-job-store.js';
import { startApiServer } from '../local/api-server.js';
import { startDynalite } from '../local/dynalite.js';
import { startFlinkFleet, type FlinkFleetOptions } from './flink-fleet.js';
import { dynaliteClient } from './processes.js';

/** First line a child prints. */
export type ChildReady =
  | { kind: 'dynalite'; endpoint: string }
  | { kind: 'fleet'; urls: string[] }
  | { kind: 'api'; url: string };

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** A control message to a child and its answer. */
export interface ChildRequest {
  id: number;
  op: 'counts' | 'reset';
}

const [kind, options = '{}'] = process.argv.slice(2);
let stop: () => Promise<void>;
let control: (op: ChildRequest['op']) => unknown = () => undefined;
if (kind === 'dynalite') {
  const dynamo = await startDynalite();
  stop = () => dynamo.stop();
  process.stdout.write(`${JSON.stringify({ kind, endpoint: dynamo.endpoint })}\n`);
} else if (kind === 'fleet') {
  const fleet = await startFlinkFleet(JSON.parse(options) as FlinkFleetOptions);
  stop = () => fleet.stop();
  control = (op) => {
    if (op === 'counts') return fleet.counts();
    fleet.resetCounts();
    return undefined;
  };
  process.stdout.write(`${JSON.stringify({ kind, urls: fleet.urls })}\n`);
} else if (kind === 'api') {
  const { endpoint, table } = JSON.parse(options) as { endpoint: string; table: string };
  const client = dynaliteClient(endpoint);
  const api = await startApiServer({
    store: new DynamoJobStore({ client, tableName: table }),
    teams: new StaticTeamDirectory({ admins: ['bench'] }),
    // Request logs would measure the terminal, not the API.
    logger: silent,
  });
  stop = async () => {
    await api.stop();
    client.destroy();
  };
  process.stdout.write(`${JSON.stringify({ kind, url: api.url })}\n`);
} else {
  throw new ConfigurationError(`unknown stand-in ${String(kind)}`, {
    remedy: 'Start it as child.ts dynalite | fleet <options> | api <options>.',
  });
}
process.on('message', (message: ChildRequest) => {
  process.send?.({ id: message.id, result: control(message.op) ?? null });
});
process.on('disconnect', () => {
  void stop().finally(() => process.exit(0));
});
