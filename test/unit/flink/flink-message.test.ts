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

  it('takes the root cause from its first line when the message runs over several lines', () => {
    // The SQL Gateway's answer to a table whose connector is not on its classpath: Flink lists
    // the table's options and the available factories under the messages.
    const gateway = `org.apache.flink.table.gateway.api.utils.SqlGatewayException: Failed to fetchResults.
\tat org.apache.flink.table.gateway.rest.handler.statement.FetchResultsHandler.handleRequest(FetchResultsHandler.java:91)
Caused by: org.apache.flink.table.api.ValidationException: Unable to create a sink for writing table 'default_catalog.default_database.counts'.

Table options are:

'connector'='kafkaa'
\tat org.apache.flink.table.factories.FactoryUtil.createDynamicTableSink(FactoryUtil.java:279)
Caused by: org.apache.flink.table.api.ValidationException: Could not find any factory for identifier 'kafkaa' that implements 'org.apache.flink.table.factories.DynamicTableFactory' in the classpath.

Available factory identifiers are:

blackhole
datagen
python-input-format
\tat org.apache.flink.table.factories.FactoryUtil.discoverFactory(FactoryUtil.java:617)
\t... 30 more`;
    expect(
      summarizeFlinkErrors([
        'Internal server error.',
        `<Exception on server side:\n${gateway}\n\nEnd of exception on server side>`,
      ]),
    ).toBe(
      "SqlGatewayException: Failed to fetchResults. (root cause: ValidationException: Could not find any factory for identifier 'kafkaa' that implements 'org.apache.flink.table.factories.DynamicTableFactory' in the classpath.)",
    );
  });

  it('finds a Python error below a traceback', () => {
    const trace = `org.apache.flink.client.program.ProgramAbortException: java.lang.RuntimeException: Python process exits with code: 1
\tat org.apache.flink.client.python.PythonDriver.main(PythonDriver.java:134)
Traceback (most recent call last):
  File "/tmp/job.py", line 1, in <module>
ModuleNotFoundError: No module named 'pyflink'`;
    expect(summarizeThrowable(trace)).toMatch(
      /\(root cause: ModuleNotFoundError: No module named 'pyflink'\)$/,
    );
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
