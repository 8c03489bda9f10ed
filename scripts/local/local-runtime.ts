import { randomBytes } from 'node:crypto';
import { FileCheckpointStorage } from '../../functions/adapters/file-checkpoint-storage.js';
import { FileArtifactSource } from '../../functions/adapters/file-artifact-source.js';
import { FlinkClients } from '../../functions/adapters/flink-clients.js';
import { createObservability } from '../../functions/commons/observability.js';
import type { ControlContext } from '../../functions/core/ports/index.js';
import {
  applySpecDocuments,
  type ApplyResult,
} from '../../functions/core/apply/apply-documents.js';
import type { Caller } from '../../functions/core/authorization.js';
import type { ReconcileReport } from '../../functions/core/reconcile.js';
import { TRIGGER_SOURCE } from '../../functions/core/reconcile-jobs.js';
import { parseSpecDocumentsOrThrow, type SpecDocument } from '../../functions/core/spec/index.js';
import { createAdvanceHandler } from '../../functions/handlers/advance-handler.js';
import { createReconcileHandler } from '../../functions/handlers/reconcile-handler.js';
import { LocalSecretsProvider } from '../../functions/adapters/secrets/local-secrets-provider.js';
import { DynamoJobStore } from '../../functions/store/dynamo-job-store.js';
import type { JobStore } from '../../functions/core/ports/index.js';
import { synthesizeControlLoopDefinition } from '../../lib/synth-definition.js';
import { createTable, startDynalite } from './dynalite.js';
import { LocalStateMachine } from './local-state-machine.js';
import { LocalReconcileTrigger } from './local-trigger.js';
import { inProcessProber } from './local-prober.js';
import type { ClusterProber } from '../../functions/core/ports/cluster-prober.js';
import { localWorkerId, releaseOwnLeases } from './worker-identity.js';

export interface LocalRuntimeOptions {
  /** Folder for dynalite's data (kept across restarts); in memory when absent. */
  dataDir?: string;
  /** Relative artifact paths resolve against this folder. */
  baseDir: string;
  /** JSON file of local cluster secrets (`{ "<ref>": {"type": "basic", …} }`). */
  secretsFile?: string;
  /** Source of time (tests move it). */
  now?: () => Date;
  /**
   * File keeping this run's worker identity across restarts (`.local/worker-id`); a restart then
   * resumes the operations it left in flight at once. Absent: a new identity each start.
   */
  workerIdFile?: string;
  /** How long a lease lasts unless renewed; the core's default when absent. */
  leaseTtlMs?: number;
}

export interface LocalRuntime {
  store: JobStore;
  context: ControlContext;
  stateMachine: LocalStateMachine;
  /** One reconcile cycle through the real reconcile handler. */
  reconcileOnce(): Promise<ReconcileReport>;
  /**
   * The event path: a targeted reconcile through the same handler, in the background. Wired by
   * the caller to the doors it wants event-driven (`npm run local`: the API and the spec folder);
   * `apply` does not use it, so tests that drive cycles themselves see only their own cycles.
   */
  trigger: LocalReconcileTrigger;
  /**
   * The cluster probe through the same reconcile handler (`fjc.probe` events), with this
   * runtime's secrets and checkpoint storage: what `POST /v1/clusters/probe` asks locally.
   */
  prober: ClusterProber;
  /**
   * Validates and stores one spec file's documents (all or nothing); `rewrite` may adjust the
   * parsed documents first (the local run points the `local` cluster at its own Flink).
   */
  apply(
    text: string,
    filename?: string,
    rewrite?: (doc: SpecDocument) => SpecDocument,
  ): Promise<ApplyResult>;
  stop(): Promise<void>;
}

const TABLE = 'fjc-local';

/** The local run applies the spec folder as its owner: the platform team, i.e. an admin. */
const LOCAL_ADMIN: Caller = {
  principal: { id: 'local', admin: true, teams: [] },
  actor: 'local',
  audit: { info: () => undefined },
  correlationId: 'local',
};

/**
 * The whole control plane on a laptop: the same core and handlers as the Lambdas, wired to local
 * adapters (dynalite, files, a local secrets file) and the synthesized state machine definition
 * run in-process.
 */
export async function startLocalRuntime(options: LocalRuntimeOptions): Promise<LocalRuntime> {
  const dynamo = await startDynalite(
    options.dataDir === undefined ? {} : { path: options.dataDir },
  );
  await createTable(dynamo.client, TABLE);
  const now = options.now ?? (() => new Date());
  const store = new DynamoJobStore({ client: dynamo.client, tableName: TABLE, clock: now });
  const secrets = new LocalSecretsProvider(
    options.secretsFile === undefined ? {} : { file: options.secretsFile },
  );
  const clients = new FlinkClients(store, secrets);
  const context: ControlContext = {
    store,
    flink: (name) => clients.port(name),
    sqlGateway: (name) => clients.sqlGateway(name),
    savepointDirectory: (name) => clients.savepointDirectory(name),
    beginCycle: async () => {
      const cycle = await clients.cycle();
      return { flink: cycle.port, savepointDirectory: cycle.savepointDirectory };
    },
    artifacts: new FileArtifactSource(options.baseDir),
    checkpoints: new FileCheckpointStorage(),
    now,
    newId: () => randomBytes(16).toString('hex'),
    workerId: await localWorkerId(options.workerIdFile),
    ...(options.leaseTtlMs === undefined ? {} : { leaseTtlMs: options.leaseTtlMs }),
  };
  await releaseOwnLeases(store, context.workerId ?? '');
  const advance = (name: string) =>
    createAdvanceHandler({ ...createObservability(name), context: () => Promise.resolve(context) });
  const stateMachine = new LocalStateMachine(synthesizeControlLoopDefinition(), {
    deploy: advance('deploy'),
    verify: advance('verify'),
  });
  const reconcileHandler = createReconcileHandler({
    ...createObservability('reconcile'),
    context: () => Promise.resolve({ ...context, stateMachine }),
    probe: () =>
      Promise.resolve({
        store,
        flink: (name) => context.flink(name),
        secrets,
        checkpoints: context.checkpoints,
      }),
  });
  const trigger = new LocalReconcileTrigger(
    (jobNames) => reconcileHandler({ source: TRIGGER_SOURCE, jobNames }),
    (error, jobNames) => {
      // The periodic cycle reconciles these jobs anyway; say why they waited for it.
      console.warn(
        `targeted reconcile of ${jobNames.join(', ')} failed: ${error instanceof Error ? error.message : String(error)}`,
      );
    },
  );
  return {
    store,
    context,
    stateMachine,
    trigger,
    prober: inProcessProber((event) => reconcileHandler(event)),
    reconcileOnce: () => reconcileHandler({ id: randomBytes(8).toString('hex') }),
    apply: (text, filename, rewrite = (doc) => doc) =>
      applySpecDocuments(
        store,
        parseSpecDocumentsOrThrow(text, filename === undefined ? {} : { filename }).map(rewrite),
        LOCAL_ADMIN,
      ),
    stop: async () => {
      await trigger.idle();
      await stateMachine.idle();
      await clients.closeAll();
      await dynamo.stop();
    },
  };
}
