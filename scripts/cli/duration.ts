/**
 * Durations on the command line (`--timeout 10m`), written the way specs write them so that a
 * user needs to learn one syntax.
 */
import { InvalidArgumentError } from 'commander';
import { durationToMs } from '../../functions/core/spec/index.js';

/**
 * Parses `90s`, `10m`, `1h30m`, `500ms` (units ms, s, m, h, d) into milliseconds; a bare number
 * is seconds. Throws commander's InvalidArgumentError so a typo is reported as a usage error.
 */
export function parseDuration(text: string): number {
  const trimmed = text.trim();
  const ms = /^\d+$/.test(trimmed) ? Number(trimmed) * 1000 : durationToMs(trimmed);
  if (ms === undefined || !Number.isFinite(ms) || ms <= 0)
    throw new InvalidArgumentError('must be a duration such as 30s, 10m or 1h30m');
  return ms;
}

/** A duration in the largest whole unit that fits (`600000` → `10m`), for messages. */
export function formatDuration(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}
