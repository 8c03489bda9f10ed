/**
 * Installs a Flink distribution from PyPI: `apache-flink` ships `pyflink/bin` and `pyflink/conf`,
 * `apache-flink-libraries` ships `pyflink/lib` (flink-dist), `opt` and `plugins`. Together the
 * `pyflink` folder works as FLINK_HOME, which gives a real cluster without Docker or downloads
 * from anywhere but a package registry.
 *
 * Run as a CLI: `tsx scripts/flink/install.ts [version]`.
 */
import { chmod, mkdir, readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigurationError } from '../../functions/commons/errors.js';
import { exists, INSTALL_MARKER, installFolder } from './cache-install.js';
import { cacheDir, log, resolveFlinkVersion } from './paths.js';
import { runCommand } from './run.js';

/** An installed Flink distribution. */
export interface FlinkInstall {
  /** The FLINK_HOME folder (holds bin/, lib/, conf/). */
  home: string;
  /** The Flink version installed there. */
  version: string;
}

async function isComplete(dir: string): Promise<boolean> {
  return (await exists(join(dir, INSTALL_MARKER))) && (await exists(join(dir, 'pyflink', 'bin')));
}

/**
 * Installs Flink `version` (default: `FJC_FLINK_VERSION`, else 2.3.0) into
 * `<repo>/.cache/flink/<version>/` and returns its FLINK_HOME. A completed install is reused;
 * a partial one is redone. Installs into a private temporary folder and renames it into place,
 * so two processes installing at once both end with a complete install.
 *
 * @throws ConfigurationError when the version is malformed or pip cannot install it.
 */
export async function installFlink(version?: string): Promise<FlinkInstall> {
  const v = resolveFlinkVersion(version);
  if (!/^\d+\.\d+\.\d+$/.test(v)) {
    throw new ConfigurationError(`Flink version "${v}" is not of the form X.Y.Z`, {
      remedy: 'Set FJC_FLINK_VERSION to a released version such as 2.3.0 or 1.20.5.',
    });
  }
  const root = join(cacheDir, 'flink');
  const dir = join(root, v);
  const home = join(dir, 'pyflink');
  if (await isComplete(dir)) {
    return { home, version: v };
  }

  const started = Date.now();
  log(`installing Flink ${v} from PyPI into ${dir} (about 300 MB, once)`);
  await installFolder(dir, v, isComplete, async (tmp) => {
    const python = process.env.FJC_PYTHON ?? 'python3';
    await runCommand(
      python,
      [
        '-m',
        'pip',
        'install',
        '--no-deps',
        '--no-compile',
        '--disable-pip-version-check',
        '--no-input',
        '--target',
        tmp,
        `apache-flink==${v}`,
        `apache-flink-libraries==${v}`,
      ],
      {
        remedy: `Check that PyPI serves apache-flink ${v} for this Python (${python}), or set FJC_FLINK_VERSION.`,
      },
    ).catch((error: unknown) => {
      throw new ConfigurationError(`pip could not install Flink ${v}`, {
        cause: error,
        remedy: error instanceof Error ? error.message.split('\n').slice(-5).join(' ') : undefined,
      });
    });
    // Wheels do not keep the executable bit of the shell scripts.
    const bin = join(tmp, 'pyflink', 'bin');
    for (const name of await readdir(bin)) {
      await chmod(join(bin, name), 0o755);
    }
    await mkdir(join(tmp, 'pyflink', 'log'), { recursive: true });
  });
  log(`installed Flink ${v} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return { home, version: v };
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  installFlink(process.argv[2])
    .then(({ home, version }) => {
      log(`Flink ${version} home: ${home}`);
    })
    .catch((error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    });
}
