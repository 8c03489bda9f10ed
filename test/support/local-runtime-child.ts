/**
 * A local runtime in a process of its own, for the crash test (test/flink/crash.test.ts), which
 * kills it: `tsx local-runtime-child.ts <stateDir> <specsDir> <leaseTtlMs> [<step>]`. It keeps its
 * data and worker identity under <stateDir> like `npm run local` under .local/, applies the spec
 * files of <specsDir> when they change, reconciles every 0.5 s, and prints each job's status as
 * one JSON line whenever it changes (checked every 50 ms). Given a step, it SIGKILLs itself
 * the moment an upgrade records that step, before running it: a crash at exactly that step.
 */
import { join } from 'node:path';
import { startLocalRuntime } from '../../scripts/local/local-runtime.js';
import { SpecFolder } from '../../scripts/local/spec-files.js';

const [stateDir = '', specsDir = '', ttl = '10000', crashAt] = process.argv.slice(2);
const rt = await startLocalRuntime({
  baseDir: process.cwd(),
  dataDir: join(stateDir, 'dynamodb'),
  workerIdFile: join(stateDir, 'worker-id'),
  leaseTtlMs: Number(ttl),
});
if (crashAt !== undefined) {
  const store = rt.store;
  const transition = store.transition.bind(store);
  store.transition = async (...args) => {
    const record = await transition(...args);
    const operation = record.status.operation;
    if (operation?.kind === 'upgrade' && operation.step === crashAt)
      process.kill(process.pid, 'SIGKILL');
    return record;
  };
}
const specs = new SpecFolder(specsDir, (text, file) => rt.apply(text, file), specsDir, {
  digestsFile: join(stateDir, 'spec-digests.json'),
});

const seen = new Map<string, string>();
const report = async (): Promise<void> => {
  for (const job of (await rt.store.listJobs({ limit: 100 })).items) {
    const line = JSON.stringify({
      name: job.name,
      phase: job.status.phase,
      step: job.status.operation?.step ?? null,
      jobId: job.status.jobId ?? null,
      specHash: job.specHash,
      stableHash: job.status.lastStable?.specHash ?? null,
      restoredFrom: job.status.restoredFrom ?? null,
    });
    if (seen.get(job.name) !== line) {
      seen.set(job.name, line);
      process.stdout.write(`${line}\n`);
    }
  }
};
const watch = (): void => {
  report().then(
    () => setTimeout(watch, 50),
    () => setTimeout(watch, 50),
  );
};
watch();

for (;;) {
  try {
    await specs.sync();
    await rt.reconcileOnce();
  } catch (error) {
    process.stderr.write(
      `cycle failed: ${error instanceof Error ? error.message : String(error)}\n`,
    );
  }
  await new Promise((resolve) => setTimeout(resolve, 500));
}
