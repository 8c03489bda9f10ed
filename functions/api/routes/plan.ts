/**
 * `POST /v1/plan`: a dry run of a spec file. Reads the stored state, writes nothing, and says per
 * document what applying it would change and what the controller would then do.
 */
import { ValidationError } from '../../commons/errors.js';
import type { ClusterRecord, JobRecord } from '../../core/model/index.js';
import { readQuery, readSpecBody } from '../body.js';
import { jsonResponse } from '../http.js';
import { requireVisibleJob } from '../../core/authorization.js';
import { previewDocuments } from '../../core/plan/preview.js';
import { checkTeamQuotas } from '../../core/apply/team-quota.js';
import type { Route } from '../router.js';
import { planQuerySchema, planResultSchema } from '../schemas.js';
import { withPreflight } from './plan-preflight.js';

/** Reads in batches, so a 1,000-document file does not open 1,000 requests at once. */
async function readAll<T>(
  names: readonly string[],
  read: (name: string) => Promise<T | undefined>,
): Promise<Map<string, T>> {
  const found = new Map<string, T>();
  const unique = [...new Set(names)];
  for (let i = 0; i < unique.length; i += 25) {
    const batch = unique.slice(i, i + 25);
    const values = await Promise.all(batch.map(read));
    batch.forEach((name, index) => {
      const value = values[index];
      if (value !== undefined) found.set(name, value);
    });
  }
  return found;
}

const plan: Route = {
  method: 'POST',
  path: '/v1/plan',
  operationId: 'plan',
  doc: {
    summary: 'Dry run: what applying a spec file would do',
    description:
      'The body is a spec file: YAML (documents separated by ---) or JSON (one document or an array). Nothing is written.',
    tags: ['plan'],
    query: planQuerySchema,
    body: { component: 'SpecFile', yaml: true, required: true },
    responses: { 200: { description: 'The plan.', schema: planResultSchema } },
    errors: [400, 404, 409, 413, 415, 422],
    idempotent: true,
  },
  async handle(context) {
    const query = readQuery(context.request, planQuerySchema);
    const parsed = readSpecBody(context.request);
    if (!parsed.ok) {
      const count = parsed.issues.length;
      throw new ValidationError(
        `The spec has ${count} problem${count === 1 ? '' : 's'}`,
        parsed.issues,
      );
    }
    const { documents } = parsed;
    const { store } = context.deps;
    const jobs = await readAll<JobRecord>(
      documents.filter((d) => d.kind === 'FlinkJob').map((d) => d.metadata.name),
      (name) => store.getJob(name),
    );
    const clusters = await readAll<ClusterRecord>(
      documents.map((d) => (d.kind === 'FlinkJob' ? d.spec.clusterRef : d.metadata.name)),
      (name) => store.getCluster(name),
    );
    // The plan shows stored specs' fields, so it needs read access to every stored job it names;
    // a job the caller may not read is answered as missing, like on every job route.
    for (const [name, record] of jobs) requireVisibleJob(context.caller, name, record);
    const preview = previewDocuments(documents, { jobs, clusters });
    if (!preview.ok)
      throw new ValidationError('The spec refers to clusters fjc does not know', preview.issues);
    // The plan refuses what apply would: a team's quota is shown before anything is written.
    await checkTeamQuotas(
      store,
      context.deps.quotas,
      documents.flatMap((document, index) =>
        document.kind === 'FlinkJob' ? [{ job: document, path: `documents[${index}].` }] : [],
      ),
    );
    const entries =
      query.preflight === 'true'
        ? await withPreflight(context, documents, jobs, preview.entries)
        : preview.entries;
    return jsonResponse(200, { documents: entries });
  },
};

/** The plan route. */
export const planRoutes: readonly Route[] = [plan];
