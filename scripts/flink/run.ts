import { spawn } from 'node:child_process';
import { FjcError } from '../../functions/commons/errors.js';

/** Options of {@link runCommand}. */
export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** What the person can do when the command fails; goes into the error's remedy. */
  remedy?: string;
}

/**
 * Runs a command to completion and returns its combined output. Output is captured rather
 * than inherited so that a successful run stays quiet; on failure the tail of it goes into
 * the thrown {@link FjcError}, which is where it is needed.
 */
export async function runCommand(
  command: string,
  args: readonly string[],
  options: RunOptions = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.on('error', (error) => {
      reject(
        new FjcError(`Cannot run ${command}: ${error.message}`, {
          cause: error,
          remedy: options.remedy,
        }),
      );
    });
    child.on('close', (code, signal) => {
      const output = Buffer.concat(chunks).toString('utf8');
      if (code === 0) {
        resolve(output);
        return;
      }
      const tail = output.split('\n').slice(-40).join('\n');
      reject(
        new FjcError(
          `${command} ${args.join(' ')} failed (${signal ?? `exit ${String(code)}`}):\n${tail}`,
          { remedy: options.remedy },
        ),
      );
    });
  });
}
