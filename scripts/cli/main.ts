/**
 * The `fjc` command line: the commander program and its entry point. Each command lives in
 * `commands/`; this file only declares options and wires them to the commands, so that the help
 * text and the behaviour cannot drift apart.
 *
 * Run it through `bin/fjc.js` (`npx fjc --help`), or directly: `tsx scripts/cli/main.ts --help`.
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { Command, InvalidArgumentError, Option } from 'commander';
import { JOB_ACTIONS, type JobAction } from './api-types.js';
import { actionCommand, type ActionOptions } from './commands/actions.js';
import { applyCommand, DEFAULT_WAIT_TIMEOUT_MS } from './commands/apply.js';
import { deleteCommand, type DeleteOptions } from './commands/delete.js';
import { doctorCommand } from './commands/doctor.js';
import { getCommand, type GetOptions } from './commands/get.js';
import { planCommand } from './commands/plan.js';
import { historyCommand, savepointsCommand, type TrailOptions } from './commands/trail.js';
import {
  SAVEPOINT_CHANGE_SUMMARIES,
  registerSavepointCommand,
  savepointChangeCommand,
  type SavepointChangeOptions,
} from './commands/savepoint-catalog.js';
import { validateCommand } from './commands/validate.js';
import { commandContext, type GlobalOptions } from './context.js';
import { parseDuration } from './duration.js';
import { EXIT } from './errors.js';
import { processIo, writeLines, type CliIo } from './io.js';
import { OUTPUT_FORMATS } from './render/output.js';
import { describeError } from './render/error.js';

const HELP_FOOTER = `
Endpoint and credentials:
  --endpoint, else FJC_ENDPOINT, else the local runtime (.local/api.json written by npm run local).
  Hosts ending in .amazonaws.com (or --sigv4) are called with AWS SigV4 and the default AWS
  credential chain (environment, profile/SSO, instance role); other hosts with a bearer token
  (--token, else FJC_TOKEN, else the local runtime's token).

Exit codes:
  0  success
  1  the operation failed (server error, network, timeout, rollout failed or rolled back)
  2  invalid input (spec errors, bad request, unknown name)
  3  conflict (someone else changed the resource first: read again and retry)
`;

function packageVersion(): string {
  try {
    const text = readFileSync(new URL('../../package.json', import.meta.url), 'utf8');
    return (JSON.parse(text) as { version?: string }).version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

function positiveInteger(name: string, max: number): (text: string) => number {
  return (text) => {
    const value = Number(text);
    if (!/^\d+$/.test(text) || value < 1 || value > max)
      throw new InvalidArgumentError(`${name} must be a whole number from 1 to ${max}`);
    return value;
  };
}

function outputOption(): Option {
  return new Option('-o, --output <format>', 'output format')
    .choices(OUTPUT_FORMATS)
    .default('table');
}

/** Builds the program; `done` receives the exit code of the command that ran. */
export function buildProgram(io: CliIo, done: (exitCode: number) => void): Command {
  const program = new Command('fjc')
    .description(
      'fjc: keep Flink jobs in their declared state. Validate, plan and apply FlinkJob and FlinkCluster specs.',
    )
    .version(packageVersion())
    .option('--endpoint <url>', 'API base URL (env FJC_ENDPOINT; default: the local runtime)')
    .option('--token <token>', 'bearer token for the local API (env FJC_TOKEN)')
    .option('--region <region>', 'AWS region for SigV4 (default: from the host, else AWS_REGION)')
    .option('--sigv4', 'sign requests with AWS SigV4 even if the host is not *.amazonaws.com')
    .option(
      '--timeout <duration>',
      'time limit of the whole command, e.g. 30s or 10m (default 60s; with --wait: 10m)',
      parseDuration,
    )
    .addHelpText('after', HELP_FOOTER)
    .showHelpAfterError('(run fjc --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });

  const globals = (command: Command): GlobalOptions => command.optsWithGlobals<GlobalOptions>();

  program
    .command('validate')
    .description('check spec files offline; prints every problem as file:line:col: path: message')
    .argument('<files...>', 'spec files (YAML or JSON)')
    .action(async (files: string[]) => {
      done(await validateCommand(io, files));
    });

  program
    .command('plan')
    .description('show what applying spec files would change (writes nothing)')
    .argument('<files...>', 'spec files (YAML or JSON)')
    .option(
      '--preflight',
      'also build each job’s new graph on its cluster and compare it with the running job (uploads the jar, runs its main())',
    )
    .action(async (files: string[], options: { preflight?: boolean }, command: Command) => {
      done(
        await planCommand(commandContext(io, globals(command)), files, {
          preflight: options.preflight === true,
        }),
      );
    });

  program
    .command('apply')
    .description(
      'plan, then write the changed documents (clusters first), each conditional on what the plan read',
    )
    .argument('<files...>', 'spec files (YAML or JSON)')
    .option(
      '--wait',
      "follow the files' jobs until each is as its spec asks: STABLE or SUSPENDED (exit 0), or rejected, rolled back or FAILED (exit 1)",
    )
    .action(async (files: string[], _options: unknown, command: Command) => {
      const options = command.optsWithGlobals<GlobalOptions & { wait?: boolean }>();
      const wait = options.wait === true;
      const ctx = commandContext(io, options, wait ? DEFAULT_WAIT_TIMEOUT_MS : undefined);
      done(await applyCommand(ctx, files, { wait }));
    });

  program
    .command('doctor')
    .description(
      'check a deployment: API reachable, signed calls accepted, your teams, clusters registered and (admins) probed from the control plane',
    )
    .action(async (_options: unknown, command: Command) => {
      done(await doctorCommand(commandContext(io, globals(command))));
    });

  program
    .command('get')
    .description('list jobs as a table, or show one job in detail')
    .argument('[name]', 'a job name')
    .addOption(outputOption())
    .option('--cluster <name>', 'only jobs on this cluster')
    .option('--team <team>', 'only jobs of this team')
    .action(async (name: string | undefined, _options: unknown, command: Command) => {
      const options = command.optsWithGlobals<GlobalOptions & GetOptions>();
      done(await getCommand(commandContext(io, options), name, options));
    });

  const trail = (
    name: 'history' | 'savepoints',
    description: string,
    run: typeof historyCommand,
  ): void => {
    program
      .command(name)
      .description(description)
      .argument('<name>', 'a job name')
      .addOption(outputOption())
      .option(
        '--limit <n>',
        'how many entries, newest first (1-1000)',
        positiveInteger('--limit', 1000),
        100,
      )
      .action(async (job: string, _options: unknown, command: Command) => {
        const options = command.optsWithGlobals<GlobalOptions & TrailOptions>();
        done(await run(commandContext(io, options), job, options));
      });
  };
  trail('history', "a job's audit trail, newest first", historyCommand);
  trail('savepoints', "a job's savepoint catalog, newest first", savepointsCommand);

  const summaries: Record<JobAction, string> = {
    savepoint: 'take a savepoint of a running job',
    suspend: 'stop a job with a savepoint (state kept)',
    resume: 'start a suspended job from its newest savepoint',
    rollback: "make the job's last stable spec the desired one again",
    redeploy: 'restart a job through its upgrade mode, same spec',
    restore:
      'restore a job from a chosen savepoint (--savepoint ID or --path URI): a running job is cancelled and started from it, a suspended one starts from it when resumed (--resume: now)',
  };
  for (const action of JOB_ACTIONS) {
    const command = program.command(action);
    if (action === 'restore')
      command
        .option('--savepoint <id>', 'catalog id of the savepoint (see fjc savepoints NAME)')
        .option('--path <uri>', 'a savepoint location instead of a catalog id')
        .option('--resume', 'also resume a suspended job, from the chosen savepoint (same change)');
    command
      .description(`${summaries[action]} (carried out by the controller)`)
      .argument('<name>', 'a job name')
      .option(
        '--idempotency-key <key>',
        'reuse a key to retry safely (default: random per invocation)',
      )
      .option('--reason <text>', 'why, recorded in the audit trail')
      .option(
        '--if-generation <n>',
        'only if the job is at this generation',
        positiveInteger('--if-generation', Number.MAX_SAFE_INTEGER),
      )
      .option(
        '--wait',
        'follow the job until the action is carried out (exit 0, printing what it produced) or failed (exit 1)',
      )
      .addOption(outputOption())
      .action(async (job: string, _options: unknown, command: Command) => {
        const options = command.optsWithGlobals<GlobalOptions & ActionOptions>();
        const ctx = commandContext(
          io,
          options,
          options.wait === true ? DEFAULT_WAIT_TIMEOUT_MS : undefined,
        );
        done(await actionCommand(ctx, action, job, options));
      });
  }

  for (const change of ['pin', 'unpin', 'delete-savepoint'] as const)
    program
      .command(change)
      .description(SAVEPOINT_CHANGE_SUMMARIES[change])
      .argument('<name>', 'a job name')
      .argument('<id>', 'a savepoint id (see fjc savepoints NAME)')
      .addOption(outputOption())
      .action(async (job: string, id: string, _options: unknown, command: Command) => {
        const options = command.optsWithGlobals<GlobalOptions & SavepointChangeOptions>();
        done(await savepointChangeCommand(commandContext(io, options), change, job, id, options));
      });
  program
    .command('register-savepoint')
    .description("add a savepoint made elsewhere to a job's catalog (restore it with fjc restore)")
    .argument('<name>', 'a job name')
    .argument('<path>', 'the savepoint directory (holding _metadata)')
    .option('--reason <text>', 'why, recorded in the audit log')
    .addOption(outputOption())
    .action(async (job: string, path: string, _options: unknown, command: Command) => {
      const options = command.optsWithGlobals<GlobalOptions & SavepointChangeOptions>();
      done(await registerSavepointCommand(commandContext(io, options), job, path, options));
    });

  program
    .command('delete')
    .description(
      'delete a job by its deletionPolicy (default: suspend with a savepoint, keep the state)',
    )
    .argument('<name>', 'a job name')
    .option(
      '--if-generation <n>',
      'only if the job is at this generation',
      positiveInteger('--if-generation', Number.MAX_SAFE_INTEGER),
    )
    .option(
      '--purge',
      'then wait until it is SUSPENDED and remove its record (savepoints and history stay)',
    )
    .addOption(outputOption())
    .action(async (job: string, _options: unknown, command: Command) => {
      const options = command.optsWithGlobals<GlobalOptions & DeleteOptions>();
      const ctx = commandContext(
        io,
        options,
        options.purge === true ? DEFAULT_WAIT_TIMEOUT_MS : undefined,
      );
      done(await deleteCommand(ctx, job, options));
    });

  return program;
}

/**
 * Runs the CLI with the user's arguments (without `node` and the script) and returns the exit
 * code. Never throws: every failure is printed (without a stack trace unless FJC_DEBUG=1).
 */
export async function runCli(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  let exitCode: number = EXIT.OK;
  try {
    const program = buildProgram(io, (code) => {
      exitCode = code;
    });
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    const described = describeError(error, io.env.FJC_DEBUG === '1');
    writeLines(io.stderr, described.lines);
    return described.exitCode;
  }
}

// Run when executed directly (`tsx scripts/cli/main.ts …`); bin/fjc.js calls runCli itself.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href)
  process.exitCode = await runCli(process.argv.slice(2));
