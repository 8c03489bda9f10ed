/**
 * Generates clients from the OpenAPI document with mainstream generators nobody on this project
 * wrote, and lints it, to prove the document is usable as published. It FAILS when a linter
 * reports any problem, or a generator skips an operation, drops a model or warns at all.
 *
 *   npx tsx scripts/openapi/check-clients.ts
 *
 * Tools (pinned) are installed on first use into .cache/openapi-tools (npm and a Python venv),
 * not into the project's node_modules: they are checks, not dependencies. Not part of `npm test`
 * because the first run downloads them; later runs take a few seconds and print their times.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildOpenApi } from '../../functions/api/openapi.js';
import { ROUTES } from '../../functions/api/routes/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const tools = join(root, '.cache', 'openapi-tools');
const work = join(tools, 'work');

/** The versions the check was written against; raise them deliberately. */
const NPM_TOOLS = [
  '@redocly/cli@2.77.0',
  'openapi-typescript@7.13.0',
  '@hey-api/openapi-ts@0.99.0',
];
const PYTHON_TOOLS = ['openapi-python-client==0.29.1', 'ruff==0.17.6'];

interface Outcome {
  tool: string;
  ms: number;
  problems: string[];
}

function run(command: string, args: string[], cwd: string, env?: NodeJS.ProcessEnv) {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', env: env ?? process.env });
  return {
    status: result.status,
    stdout: result.stdout,
    output: `${result.stdout}${result.stderr}`,
  };
}

function install(): void {
  mkdirSync(tools, { recursive: true });
  if (!existsSync(join(tools, 'node_modules', '.bin', 'redocly'))) {
    console.log(`installing ${NPM_TOOLS.join(', ')} into ${tools}`);
    writeFileSync(join(tools, 'package.json'), '{"private":true}\n');
    execFileSync('npm', ['install', '--no-audit', '--no-fund', ...NPM_TOOLS], {
      cwd: tools,
      stdio: 'inherit',
    });
  }
  if (!existsSync(join(tools, 'py', 'bin', 'openapi-python-client'))) {
    console.log(`installing ${PYTHON_TOOLS.join(', ')} into ${join(tools, 'py')}`);
    execFileSync('python3', ['-m', 'venv', join(tools, 'py')], { stdio: 'inherit' });
    execFileSync(join(tools, 'py', 'bin', 'pip'), ['install', '-q', ...PYTHON_TOOLS], {
      stdio: 'inherit',
    });
  }
}

function timed(tool: string, check: () => string[]): Outcome {
  const started = performance.now();
  const problems = check();
  return { tool, ms: Math.round(performance.now() - started), problems };
}

const bin = (name: string) => join(tools, 'node_modules', '.bin', name);
const snake = (id: string) => id.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

function main(): void {
  install();
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const document = buildOpenApi(ROUTES);
  const file = join(work, 'openapi.json');
  writeFileSync(file, JSON.stringify(document, null, 2));
  const operationIds = Object.values(document.paths as Record<string, Record<string, unknown>>)
    .flatMap((item) => Object.values(item))
    .map((operation) => (operation as { operationId: string }).operationId);
  const schemas = (document.components as { schemas: Record<string, { type?: string }> }).schemas;
  const models = Object.entries(schemas)
    .filter(([, schema]) => schema.type === 'object')
    .map(([name]) => name);

  const outcomes = [
    timed('@redocly/cli lint (recommended rules)', () => {
      const { stdout } = run(bin('redocly'), ['lint', file, '--format=json'], work, {
        ...process.env,
        REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true',
        REDOCLY_TELEMETRY: 'off',
      });
      const report = JSON.parse(stdout.slice(stdout.indexOf('{'))) as {
        problems: { ruleId: string; message: string; location: { pointer: string }[] }[];
      };
      return report.problems.map(
        (p) => `${p.ruleId}: ${p.message} (${p.location[0]?.pointer ?? ''})`,
      );
    }),
    timed('openapi-typescript', () => {
      const out = join(work, 'openapi-typescript.d.ts');
      const { status, output } = run(bin('openapi-typescript'), [file, '-o', out], work);
      if (status !== 0) return [output];
      const types = readFileSync(out, 'utf8');
      return [
        ...operationIds
          .filter((id) => !new RegExp(`^ {4}${id}: \\{`, 'm').test(types))
          .map((id) => `operation ${id} missing`),
        ...models
          .filter((name) => !new RegExp(`^ {8}${name}: \\{`, 'm').test(types))
          .map((name) => `model ${name} missing`),
      ];
    }),
    timed('@hey-api/openapi-ts', () => {
      const out = join(work, 'hey-api');
      const { status, output } = run(bin('openapi-ts'), ['-i', file, '-o', out], work);
      if (status !== 0) return [output];
      const sdk = readFileSync(join(out, 'sdk.gen.ts'), 'utf8');
      const types = readFileSync(join(out, 'types.gen.ts'), 'utf8');
      return [
        ...operationIds
          .filter((id) => !sdk.includes(`export const ${id} =`))
          .map((id) => `operation ${id} missing`),
        ...models
          .filter((name) => !types.includes(`export type ${name} =`))
          .map((name) => `model ${name} missing`),
      ];
    }),
    timed('openapi-python-client', () => {
      const out = join(work, 'python');
      const py = join(tools, 'py', 'bin');
      const { status, output } = run(
        join(py, 'openapi-python-client'),
        [
          'generate',
          '--path',
          file,
          '--output-path',
          out,
          '--config',
          join(root, 'scripts', 'openapi', 'python-client.yaml'),
        ],
        work,
        // ruff formats the generated code; it runs from the venv.
        { ...process.env, PATH: `${py}:${process.env.PATH ?? ''}` },
      );
      const warnings = output
        .split('\n')
        .filter((line) => /WARNING|Unable to process|Error\(s\)|removal of|failed/.test(line));
      if (status !== 0 || !existsSync(out)) return [output];
      const pkg = join(out, 'fjc_api_client');
      const modules = readdirSync(join(pkg, 'api'), { recursive: true }).map(String);
      const modelFiles = readdirSync(join(pkg, 'models')).map(String);
      return [
        ...warnings,
        ...operationIds
          .filter((id) => !modules.some((m) => m.endsWith(`/${snake(id)}.py`)))
          .map((id) => `operation ${id} missing`),
        ...models
          .filter((name) => !modelFiles.includes(`${snake(name).replace(/^_/, '')}.py`))
          .map((name) => `model ${name} missing`),
      ];
    }),
  ];

  console.log(
    `${operationIds.length} operations, ${models.length} object models, document in ${work}`,
  );
  for (const { tool, ms, problems } of outcomes) {
    console.log(`${problems.length === 0 ? 'ok  ' : 'FAIL'} ${tool} (${ms} ms)`);
    for (const problem of problems) console.log(`       ${problem}`);
  }
  if (outcomes.some((outcome) => outcome.problems.length > 0)) process.exitCode = 1;
}

main();
