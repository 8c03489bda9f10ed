/**
 * The preamble of the end-to-end scenarios on the suite's real Flink cluster, in one place: the
 * local runtime (dynalite, the synthesized state machine) with the cluster `local` applied, a
 * Flink REST client straight to the cluster, and, as a file asks, a pass-through fault proxy in
 * front of the cluster and an API server on the runtime's store. At the end, the Flink copies of
 * the file's jobs are cancelled (the cluster is shared with the next file) and everything stops.
 */
import { inject } from 'vitest';
import { StaticTeamDirectory } from '../../functions/api/team-directory.js';
import { FlinkRestClient } from '../../functions/flink/index.js';
import {
  startApiServer,
  type ApiServer,
  type ApiServerOptions,
} from '../../scripts/local/api-server.js';
import {
  startLocalRuntime,
  type LocalRuntime,
  type LocalRuntimeOptions,
} from '../../scripts/local/local-runtime.js';
import { localClusterDocument, startProxiedRuntime } from './e2e.js';
import type { FaultProxy } from './fault-proxy.js';
import { standIn, useStarted } from './use-started.js';

/** Options of {@link useFlinkRuntime}. */
export interface FlinkRuntimeOptions {
  /** The jobs whose Flink copies are cancelled at the end (their stored `jobId`). */
  jobs?: readonly string[];
  /** Talk to the cluster through a pass-through fault proxy ({@link startProxiedRuntime}). */
  proxied?: boolean;
  /** Runtime options beyond `baseDir` (the working directory); not with `proxied`. */
  runtime?: Omit<LocalRuntimeOptions, 'baseDir'>;
  /** An API server on the runtime's store with one admin, `principal`, whose bearer is `token`. */
  api?: {
    token: string;
    principal?: string;
    /** More server options, from the started runtime (e.g. its checkpoint storage). */
    options?: (rt: LocalRuntime) => Partial<ApiServerOptions>;
  };
}

/** What {@link useFlinkRuntime} started; `proxy` and `api` throw unless the options asked for them. */
export interface FlinkRuntime {
  rt: LocalRuntime;
  /** A REST client straight to the suite's cluster (never through the proxy). */
  flink: FlinkRestClient;
  proxy: FaultProxy;
  api: ApiServer;
}

interface Started extends FlinkRuntime {
  stop(): Promise<void>;
}

async function startFlinkRuntime(o: FlinkRuntimeOptions): Promise<Started> {
  let rt: LocalRuntime;
  let proxy: FaultProxy | undefined;
  if (o.proxied) ({ rt, proxy } = await startProxiedRuntime());
  else {
    rt = await startLocalRuntime({ baseDir: process.cwd(), ...o.runtime });
    await rt.apply(
      localClusterDocument(inject('flinkUrl'), { savepointDir: inject('savepointDir') }),
      'cluster.yaml',
    );
  }
  const flink = new FlinkRestClient({ baseUrl: inject('flinkUrl') });
  const api =
    o.api &&
    (await startApiServer({
      store: rt.store,
      teams: new StaticTeamDirectory({ admins: [o.api.principal ?? 'e2e-admin'] }),
      tokens: { [o.api.token]: o.api.principal ?? 'e2e-admin' },
      ...o.api.options?.(rt),
    }));
  const missing = (what: string): never => {
    throw new Error(`this file's Flink runtime has no ${what}: ask for it in useFlinkRuntime`);
  };
  return {
    rt,
    flink,
    get proxy() {
      return proxy ?? missing('fault proxy (proxied: true)');
    },
    get api() {
      return api ?? missing('API server (api: {...})');
    },
    async stop() {
      for (const name of o.jobs ?? []) {
        const record = await rt.store.getJob(name);
        if (record?.status.jobId) await flink.cancelJob(record.status.jobId).catch(() => undefined);
      }
      await api?.stop();
      await flink.close();
      await rt.stop();
      await proxy?.close();
    },
  };
}

/**
 * Registers the file's `beforeAll`/`afterAll` for the runtime, the client and what `o` asks for,
 * and returns stand-ins for them: `const { rt, flink } = useFlinkRuntime({ jobs: [NAME] })` at the
 * top of a file, used in its hooks and tests as the started values.
 */
export function useFlinkRuntime(o: FlinkRuntimeOptions = {}): FlinkRuntime {
  const started = useStarted('the Flink e2e runtime', () => startFlinkRuntime(o));
  return {
    rt: standIn(() => started.rt),
    flink: standIn(() => started.flink),
    proxy: standIn(() => started.proxy),
    api: standIn(() => started.api),
  };
}
