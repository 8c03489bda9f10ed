/**
 * Lambda entry point: ingest. Thin by design: parse the event (zod), call the core, map the result.
 * The implementation lands with its issue; until then it refuses to run rather than pretend.
 */
import { FjcError } from '../commons/errors.js';

export const handler = (): Promise<never> =>
  Promise.reject(new FjcError('The ingest handler is not implemented yet'));
