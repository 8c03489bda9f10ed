import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { JobStore } from '../../functions/core/ports/index.js';

/**
 * The local run's worker identity, kept in `file` across restarts: the leases it takes are named
 * after it, so a restarted run recognises the operations its previous life left in flight.
 */
export async function localWorkerId(file: string | undefined): Promise<string> {
  if (file !== undefined) {
    try {
      const saved = (await readFile(file, 'utf8')).trim();
      if (/^local-[0-9a-f]{16}$/.test(saved)) return saved;
    } catch {
      // First run: make one below.
    }
  }
  const id = `local-${randomBytes(8).toString('hex')}`;
  if (file !== undefined) {
    await mkdir(dirname(file), { recursive: true });
    await writeFile(`${file}.tmp`, `${id}\n`);
    await rename(`${file}.tmp`, file);
  }
  return id;
}

/**
 * Gives back the leases `workerId` held before this start. Only one local run uses an identity at
 * a time, so whatever it leased before is an operation nobody works on any more: released, the
 * next reconcile resumes it at once instead of after the lease ran out.
 * @returns the names of the jobs released.
 */
export async function releaseOwnLeases(store: JobStore, workerId: string): Promise<string[]> {
  const released: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.listJobs({ limit: 1000, ...(cursor ? { cursor } : {}) });
    for (const job of page.items) {
      const lease = job.lease;
      if (!lease?.owner.startsWith(`${workerId}:`)) continue;
      await store.releaseLease(job.name, lease.owner);
      released.push(job.name);
    }
    cursor = page.cursor;
  } while (cursor !== undefined);
  return released;
}
