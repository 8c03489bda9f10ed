/**
 * Times for people: ages such as `45s`, `12m`, `5h`, `3d` (as kubectl shows them), computed
 * against the CLI's clock so that output is reproducible in tests.
 */

/** The age of an ISO-8601 instant at `now`; empty for a missing or unreadable instant. */
export function age(iso: string | undefined, now: Date): string {
  if (iso === undefined) return '';
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return '';
  const seconds = Math.max(0, Math.floor((now.getTime() - at) / 1000));
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 120) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours}h`;
  return `${Math.floor(hours / 24)}d`;
}

/** An instant with its age: `2026-01-02T03:04:05Z (5m ago)`. */
export function instant(iso: string | undefined, now: Date): string {
  if (iso === undefined) return '';
  const ago = age(iso, now);
  return ago === '' ? iso : `${iso} (${ago} ago)`;
}
