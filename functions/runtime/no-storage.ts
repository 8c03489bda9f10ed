import { ConfigurationError } from '../commons/errors.js';
import type { StoragePorts } from './aws-storage.js';

/**
 * For a function that runs no operation step (reconcile): it plans, leases and starts; the steps
 * that open artifacts and read checkpoints run in deploy and verify, whose roles may read the
 * bucket. A call here is a wiring fault, said as one.
 */
export function noStoragePorts(functionName: string): StoragePorts {
  const refuse = (what: string) => () =>
    Promise.reject(
      new ConfigurationError(`The ${functionName} function reads no S3 objects (${what})`, {
        remedy:
          'Operation steps run in the deploy and verify functions; call this from a step, ' +
          'not from the planning path.',
      }),
    );
  return {
    artifacts: { open: refuse('artifact') },
    checkpoints: { listCompleted: refuse('checkpoints'), isRestorable: refuse('savepoint') },
  };
}
