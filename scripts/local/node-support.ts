/**
 * What the local run says about the Node version, in one line: the AWS SDK's own warning is nine
 * lines in the middle of the start-up, and npm's EBADENGINE warning for aws-local-stepfunctions
 * reads like a failure when it is not one.
 */

/** The first Node major every part supports without help. */
export const RECOMMENDED_NODE_MAJOR = 22;

/**
 * The note for Node `version` (`v20.20.0`), or undefined when there is nothing to say. On Node
 * 20 everything works: the one API aws-local-stepfunctions needs beyond it
 * (`Promise.withResolvers`) is supplied by scripts/local/promise-polyfill.ts.
 */
export function nodeSupportNote(version: string): string | undefined {
  const major = Number(/^v?(\d+)\./.exec(version)?.[1]);
  if (!Number.isInteger(major) || major >= RECOMMENDED_NODE_MAJOR) return undefined;
  return (
    `fjc: running on Node ${version.replace(/^v/, '')}, which works; Node ${RECOMMENDED_NODE_MAJOR}+ is recommended ` +
    '(AWS SDK releases after January 2027 require it, and aws-local-stepfunctions declares it; ' +
    'fjc supplies the one API that needs it here)'
  );
}
