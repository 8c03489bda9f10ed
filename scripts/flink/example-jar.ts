/**
 * Builds the example job (`examples/jobs/stateful-counter`) for one Flink version with Maven
 * and caches the jar under `.cache/example-jars/`, keyed by version and a hash of the sources,
 * so repeated test runs do not pay for Maven.
 *
 * Run as a CLI: `tsx scripts/flink/example-jar.ts [flinkVersion]`.
 */
import { createHash, randomBytes } from 'node:crypto';
import { copyFile, mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FjcError } from '../../functions/commons/errors.js';
import { exists } from './cache-install.js';
import { cacheDir, log, repoRoot, resolveFlinkVersion } from './paths.js';
import { runCommand } from './run.js';

/** The example job's Maven project. */
export const exampleJobDir: string = join(repoRoot, 'examples', 'jobs', 'stateful-counter');

/** The example job's main class (also the jar manifest's Main-Class). */
export const exampleEntryClass = 'dev.fjc.examples.StatefulCounter';

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const files: string[] = [];
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await listFiles(path)));
    else if (entry.isFile()) files.push(path);
  }
  return files;
}

/** A hash of everything that goes into the jar: the POM and every source file. */
async function sourceHash(flinkVersion: string): Promise<string> {
  const files = [join(exampleJobDir, 'pom.xml'), ...(await listFiles(join(exampleJobDir, 'src')))];
  files.sort();
  const hash = createHash('sha256').update(`flink=${flinkVersion}\n`);
  for (const file of files) {
    hash.update(`${relative(exampleJobDir, file)}\n`).update(await readFile(file));
  }
  return hash.digest('hex').slice(0, 16);
}

/**
 * Returns the path of the example job's jar compiled against Flink `flinkVersion` (default:
 * `FJC_FLINK_VERSION`, else 2.3.0), building it with `mvn` only when no jar for the same
 * sources and version is cached. Flink is a `provided` dependency, so the jar only runs on a
 * cluster; the source compiles against both 1.20 and 2.x.
 *
 * @throws FjcError when Maven is missing or the build fails (the message holds Maven's output).
 */
export async function buildExampleJar(flinkVersion?: string): Promise<string> {
  const version = resolveFlinkVersion(flinkVersion);
  const outDir = join(cacheDir, 'example-jars');
  const jar = join(outDir, `stateful-counter-${version}-${await sourceHash(version)}.jar`);
  if (await exists(jar)) return jar;

  const started = Date.now();
  log(`building example job for Flink ${version} with Maven`);
  await mkdir(outDir, { recursive: true });
  // A private build folder per build: two builds at once (or for two versions) never collide.
  const buildDir = join(outDir, `.build-${String(process.pid)}-${randomBytes(4).toString('hex')}`);
  try {
    await runCommand(
      process.env.FJC_MVN ?? 'mvn',
      ['-q', '-B', 'package', `-Dflink.version=${version}`, `-Dfjc.buildDir=${buildDir}`],
      {
        cwd: exampleJobDir,
        remedy: 'Install Maven 3.8+ and Java 17, and make sure Maven Central is reachable.',
      },
    );
    const tmpJar = `${jar}.${randomBytes(4).toString('hex')}.tmp`;
    await copyFile(join(buildDir, 'stateful-counter.jar'), tmpJar);
    await rename(tmpJar, jar);
  } catch (error) {
    if (error instanceof FjcError) throw error;
    throw new FjcError(`Building the example job failed: ${String(error)}`, { cause: error });
  } finally {
    await rm(buildDir, { recursive: true, force: true });
  }
  log(`built ${jar} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return jar;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  buildExampleJar(process.argv[2])
    .then((jar) => {
      log(`example jar: ${jar}`);
    })
    .catch((error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    });
}
