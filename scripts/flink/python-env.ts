/**
 * The Python environment a PyFlink-capable cluster runs its Python in: a virtualenv with the
 * dependencies of `apache-flink` (py4j, apache-beam, pemja, pandas, pyarrow, …) from PyPI, and
 * the `pyflink` package of the Flink install (install.ts) on its path through a `.pth` file, so
 * that the ~300 MB of Flink jars are not installed a second time and the Python side is exactly
 * the Flink the cluster runs.
 *
 * Run as a CLI: `tsx scripts/flink/python-env.ts [version]` (prints the interpreter path).
 */
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigurationError } from '../../functions/commons/errors.js';
import { exists, INSTALL_MARKER, installFolder } from './cache-install.js';
import { installFlink } from './install.js';
import { cacheDir, log } from './paths.js';
import { runCommand } from './run.js';

/** An installed Python environment for PyFlink. */
export interface PythonEnv {
  /** The interpreter to give Flink as `python.executable` and `python.client.executable`. */
  python: string;
  /** The virtualenv folder. */
  dir: string;
}

/**
 * The requirements of `apache-flink`, from the metadata pip wrote at install: all but the jar
 * package, which the Flink install already holds.
 */
async function pyflinkRequirements(flinkDir: string, version: string): Promise<string[]> {
  const metadata = join(flinkDir, `apache_flink-${version}.dist-info`, 'METADATA');
  const text = await readFile(metadata, 'utf8');
  return text
    .split('\n')
    .filter((line) => line.startsWith('Requires-Dist: '))
    .map((line) => line.slice('Requires-Dist: '.length).trim())
    .filter((requirement) => !requirement.startsWith('apache-flink-libraries'));
}

/**
 * Installs (once) the Python environment for Flink `version` into
 * `<repo>/.cache/pyflink-env/<version>/` and returns its interpreter. Like install.ts it builds
 * in a private folder and renames it into place, so concurrent installs end complete.
 *
 * @throws ConfigurationError when pip cannot install the dependencies.
 */
export async function installPythonEnv(version?: string): Promise<PythonEnv> {
  const { home, version: v } = await installFlink(version);
  const flinkDir = resolve(home, '..');
  const root = join(cacheDir, 'pyflink-env');
  const dir = join(root, v);
  const python = join(dir, 'bin', 'python');
  const isComplete = (d: string) => exists(join(d, INSTALL_MARKER));
  if (await isComplete(dir)) return { python, dir };

  const started = Date.now();
  log(`installing the PyFlink ${v} Python environment from PyPI into ${dir} (once)`);
  const base = process.env.FJC_PYTHON ?? 'python3';
  const remedy = `Check that PyPI serves the dependencies of apache-flink ${v} for ${base}, or set FJC_PYTHON to another Python 3.9-3.11.`;
  await installFolder(dir, v, isComplete, async (tmp) => {
    await runCommand(base, ['-m', 'venv', tmp], { remedy });
    const requirements = await pyflinkRequirements(flinkDir, v);
    await runCommand(
      join(tmp, 'bin', 'python'),
      ['-m', 'pip', 'install', '--disable-pip-version-check', '--no-input', ...requirements],
      { remedy },
    ).catch((error: unknown) => {
      throw new ConfigurationError(`pip could not install the PyFlink ${v} dependencies`, {
        cause: error,
        remedy: error instanceof Error ? error.message.split('\n').slice(-5).join(' ') : remedy,
      });
    });
    const lib = join(tmp, 'lib');
    const [pythonDir] = (await readdir(lib)).filter((name) => name.startsWith('python'));
    if (pythonDir === undefined) throw new ConfigurationError(`no lib/python* in ${tmp}`);
    // The Flink install's folder holds the `pyflink` package: one copy for the cluster's jars
    // and for the Python side.
    await writeFile(join(lib, pythonDir, 'site-packages', 'fjc-pyflink.pth'), `${flinkDir}\n`);
    await runCommand(join(tmp, 'bin', 'python'), ['-c', 'import pyflink.datastream'], { remedy });
  });
  log(
    `installed the PyFlink ${v} Python environment in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  return { python, dir };
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  installPythonEnv(process.argv[2])
    .then(({ python }) => {
      log(`PyFlink Python: ${python}`);
    })
    .catch((error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    });
}
