import { describe, expect, it } from 'vitest';
import {
  summarizeFlinkErrors,
  summarizeThrowable,
} from '../../../functions/flink/flink-message.js';

const serverSide = `org.apache.flink.runtime.rest.handler.RestHandlerException: Could not execute application.
\tat org.apache.flink.runtime.webmonitor.handlers.JarRunHandler.lambda$handleRequest$1(JarRunHandler.java:114)
\tat java.base/java.util.concurrent.CompletableFuture.uniHandle(CompletableFuture.java:934)
\t... 2 more
Caused by: java.util.concurrent.CompletionException: org.apache.flink.util.FlinkRuntimeException: Could not execute application.
\tat java.base/java.util.concurrent.CompletableFuture.encodeThrowable(CompletableFuture.java:315)
Caused by: java.lang.ClassNotFoundException: com.acme.Missing
\tat java.base/java.net.URLClassLoader.findClass(URLClassLoader.java:445)
\t... 10 more`;

describe('summarizeFlinkErrors', () => {
  it('keeps the outer message and the root cause, drops frames and package names', () => {
    const text = summarizeFlinkErrors([
      'Internal server error.',
      `<Exception on server side:\n${serverSide}\n\nEnd of exception on server side>`,
    ]);
    expect(text).toBe(
      'RestHandlerException: Could not execute application. (root cause: ClassNotFoundException: com.acme.Missing)',
    );
    expect(text).not.toContain('\tat ');
  });

  it('returns a plain message unchanged', () => {
    expect(summarizeFlinkErrors(['Not found: /jobs/x/foo'])).toBe('Not found: /jobs/x/foo');
  });

  it('says so when Flink gave no reason', () => {
    expect(summarizeFlinkErrors([])).toBe('Flink gave no reason');
    expect(summarizeThrowable('', 'fallback')).toBe('fallback');
  });

  it('clips very long messages', () => {
    expect(summarizeThrowable('x'.repeat(5000)).length).toBeLessThanOrEqual(1000);
    // Cut at a word boundary, marked, never mid-word.
    const words = summarizeThrowable(`Could not execute application ${'because '.repeat(200)}`);
    expect(words.length).toBeLessThanOrEqual(1000);
    expect(words).toMatch(/ because…$/);
  });
});
