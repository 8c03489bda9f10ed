/**
 * A token bucket per caller. In AWS, API Gateway's stage throttling does this job; the local
 * server can use it to behave the same way (429 with Retry-After).
 */
import { HttpError } from './errors.js';

/** Decides whether a caller may make one more request now. */
export interface RateLimiter {
  take(caller: string, now: Date): void;
}

/** Options of {@link TokenBucketLimiter}. */
export interface TokenBucketOptions {
  /** Sustained requests per second per caller. */
  ratePerSecond: number;
  /** Requests a caller may burst above the rate. */
  burst: number;
}

/** Token buckets in memory, one per caller. */
export class TokenBucketLimiter implements RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(private readonly options: TokenBucketOptions) {}

  /** Takes a token; throws 429 when the caller's bucket is empty. */
  take(caller: string, now: Date): void {
    const { ratePerSecond, burst } = this.options;
    const at = now.getTime();
    const bucket = this.buckets.get(caller) ?? { tokens: burst, at };
    const tokens = Math.min(burst, bucket.tokens + ((at - bucket.at) / 1000) * ratePerSecond);
    if (tokens < 1) {
      this.buckets.set(caller, { tokens, at });
      const wait = Math.ceil((1 - tokens) / ratePerSecond);
      throw new HttpError(429, 'TOO_MANY_REQUESTS', 'Too many requests', {
        remedy: `Slow down; retry after ${wait} s.`,
        headers: { 'retry-after': String(wait) },
      });
    }
    this.buckets.set(caller, { tokens: tokens - 1, at });
  }
}
