import { ConfigurationError, ValidationError } from '../../commons/errors.js';
import { SecretAccessDeniedError } from './errors.js';

/**
 * Secret names as Secrets Manager allows them. Excludes `:` on purpose: an ARN could name a
 * secret of another account or region, which a name prefix cannot constrain.
 */
const SECRET_NAME = /^[A-Za-z0-9/_+=.@-]{1,512}$/;

/**
 * Checks a configured prefix. It must end with `/`: otherwise `fjc` would also admit `fjc-other/…`.
 * @throws ConfigurationError
 */
export function checkPrefix(prefix: string): string {
  if (!SECRET_NAME.test(prefix) || !prefix.endsWith('/')) {
    throw new ConfigurationError(`Secret prefix "${prefix}" is not a secret name ending in "/".`, {
      remedy: 'Configure a prefix such as "fjc/clusters/".',
    });
  }
  return prefix;
}

/**
 * The authorization decision: fjc reads only secrets under its prefix, whatever a cluster record
 * (written by users) names. The IAM policy should grant the same prefix; this check makes the
 * refusal explicit and keeps it in place when the policy is too broad.
 * @throws ValidationError when `ref` is not a secret name; SecretAccessDeniedError when outside.
 */
export function authorizeRef(ref: unknown, prefix: string | undefined): string {
  if (typeof ref !== 'string' || !SECRET_NAME.test(ref)) {
    throw new ValidationError('Invalid secretRef: not a secret name.', [
      { path: 'secretRef', message: 'must be 1..512 of A-Z a-z 0-9 / _ + = . @ - (no ARNs)' },
    ]);
  }
  if (prefix !== undefined && (!ref.startsWith(prefix) || ref.length === prefix.length)) {
    throw new SecretAccessDeniedError(`Secret ${ref} is outside the allowed prefix ${prefix}.`, {
      remedy: `Store the cluster's credentials under ${prefix} and refer to that name.`,
    });
  }
  return ref;
}
