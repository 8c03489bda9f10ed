/**
 * The local API server in its own process for scripts/bench-api.ts, on the dynalite the parent
 * names: `tsx scripts/bench/api-child.ts <dynalite port> <table>`; it sends its url over IPC.
 */
import { StaticTeamDirectory } from '../../functions/api/team-directory.js';
import { DynamoJobStore } from '../../functions/store/index.js';
import { startApiServer } from '../local/api-server.js';
import { localClient } from './fleet.js';

const [port, table] = process.argv.slice(2);
const store = new DynamoJobStore({ client: localClient(Number(port)), tableName: String(table) });
const server = await startApiServer({
  store,
  teams: new StaticTeamDirectory({ admins: ['root'] }),
  logger: { info: () => undefined, warn: () => undefined, error: () => undefined },
});
process.send?.({ url: server.url });
process.on('message', (message) => {
  if (message === 'stop') void server.stop().then(() => process.exit(0));
});
