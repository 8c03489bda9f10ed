/**
 * What one read of a spec may spend: CPU time, keys and values, problems listed. The walks of the
 * parser charge the budget as they go, so hostile input is stopped while it is being read, not
 * after it has taken the door down.
 */
import { ValidationError, type FieldIssue } from '../../commons/errors.js';
import type { SpecLimits } from './limits.js';

/**
 * A limit of the read was reached; the read stops and the issue says which. Raised inside the
 * parser and always turned into a result there: it never leaves {@link parseSpecDocuments}.
 */
export class SpecLimitError extends ValidationError {
  override readonly code: string = 'SPEC_LIMIT';

  constructor(issue: FieldIssue) {
    super(`The spec exceeds a limit: ${issue.message}`, [issue], {
      remedy: 'Split the file or simplify it.',
    });
  }
}

/** Checking the clock on every node would cost more than the work it guards. */
const CHECK_EVERY = 512;

function cpuMsSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

/** The budget of one read. Create one per file or body. */
export class ReadBudget {
  private readonly start = process.cpuUsage();
  private ticks = 0;
  private nodes = 0;

  constructor(readonly limits: SpecLimits) {}

  /** Throws {@link SpecLimitError} once the read has used up its CPU time. */
  checkTime(): void {
    if (cpuMsSince(this.start) > this.limits.cpuMs)
      throw new SpecLimitError({
        path: 'documents',
        message: `took more than ${this.limits.cpuMs} ms of CPU time to read; split the file or simplify it`,
      });
  }

  /** One step of a walk; looks at the clock now and then. */
  tick(): void {
    this.ticks += 1;
    if (this.ticks % CHECK_EVERY === 0) this.checkTime();
  }

  /**
   * Charges `count` keys or values to the file's budget; past the limit, throws the issue
   * `exceeded` describes, or a general one.
   */
  countNodes(count: number, exceeded?: () => FieldIssue): void {
    this.nodes += count;
    if (this.nodes <= this.limits.nodes) return;
    throw new SpecLimitError(
      exceeded?.() ?? {
        path: 'documents',
        message: `has more than ${this.limits.nodes} keys and values; a spec needs a few dozen: split the file or simplify it`,
      },
    );
  }
}

/**
 * The problems of one read, capped: the first {@link SpecLimits.issues} are kept, the rest only
 * counted. Nobody reads a thousand messages, and building them costs memory an attacker chooses.
 */
export class IssueList {
  private readonly kept: FieldIssue[] = [];
  private dropped = 0;

  constructor(private readonly cap: number) {}

  /** Whether further issues are only counted; callers can skip work that only dresses them. */
  get full(): boolean {
    return this.kept.length >= this.cap;
  }

  get empty(): boolean {
    return this.count === 0;
  }

  /** Every issue added, kept or not. */
  get count(): number {
    return this.kept.length + this.dropped;
  }

  add(issue: FieldIssue): void {
    if (this.full) this.dropped += 1;
    else this.kept.push(issue);
  }

  /** Adds the issue `build` makes, calling it only while issues are kept. */
  addLazily(build: () => FieldIssue): void {
    if (this.full) this.dropped += 1;
    else this.kept.push(build());
  }

  addAll(issues: Iterable<FieldIssue>): void {
    for (const issue of issues) this.add(issue);
  }

  /** The kept issues, and one that counts the rest when any were dropped. */
  list(): FieldIssue[] {
    if (this.dropped === 0) return [...this.kept];
    const more = `… and ${this.dropped} more problem${this.dropped === 1 ? '' : 's'}`;
    return [...this.kept, { path: 'documents', message: more }];
  }
}
