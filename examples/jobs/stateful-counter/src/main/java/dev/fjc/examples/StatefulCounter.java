package dev.fjc.examples;

import org.apache.flink.api.common.accumulators.LongMaximum;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.util.Collector;

/**
 * A small stateful streaming job that proves restores: a rate-limited sequence, keyed by
 * {@code value % 8}, counted per key in {@link ValueState}. The largest count so far is the
 * {@code max-count} accumulator, so after a stop-with-savepoint and a run from it the
 * accumulator continues above its old value.
 *
 * <p>Uses only API present in both Flink 1.20 and 2.x (no SourceFunction, no ParameterTool,
 * no RestartStrategies, no open(Configuration)).
 *
 * <p>Arguments:
 *
 * <ul>
 *   <li>{@code --rate N}: records per second per source subtask (default 50)
 *   <li>{@code --name X}: the job name (default stateful-counter)
 *   <li>{@code --fail-on-start}: throw in main before execute, so the submission fails
 *   <li>{@code --fail-after-seconds N}: the counter throws once its task has run N seconds
 *   <li>{@code --restart-attempts N}: fixed-delay restarts (1 s apart) before the job FAILS
 *       (default 1)
 *   <li>{@code --counter-uid X}: the counter operator's uid (default counter); another uid is
 *       another operator to Flink, so the old counter's state has no operator to go to
 *   <li>{@code --emit false}: the counter counts but emits nothing downstream (a job that runs
 *       but does nothing useful, for the metric stability gate)
 * </ul>
 */
public final class StatefulCounter {

  private StatefulCounter() {}

  public static void main(String[] args) throws Exception {
    long rate = 50;
    String name = "stateful-counter";
    boolean failOnStart = false;
    long failAfterSeconds = -1;
    int restartAttempts = 1;
    String counterUid = "counter";
    // --emit: a separate block, kept apart from other flags to ease merges.
    boolean emit = true;
    for (int i = 0; i + 1 < args.length; i++) {
      if ("--emit".equals(args[i])) {
        emit = Boolean.parseBoolean(args[i + 1]);
      }
    }
    args = withoutEmitFlag(args);
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--rate" -> rate = Long.parseLong(value(args, ++i, "--rate"));
        case "--name" -> name = value(args, ++i, "--name");
        case "--fail-on-start" -> failOnStart = true;
        case "--fail-after-seconds" ->
            failAfterSeconds = Long.parseLong(value(args, ++i, "--fail-after-seconds"));
        case "--restart-attempts" ->
            restartAttempts = Integer.parseInt(value(args, ++i, "--restart-attempts"));
        case "--counter-uid" -> counterUid = value(args, ++i, "--counter-uid");
        default -> throw new IllegalArgumentException("Unknown argument: " + args[i]);
      }
    }
    if (rate <= 0) {
      throw new IllegalArgumentException("--rate must be positive");
    }
    if (failOnStart) {
      throw new IllegalStateException("Failing on start as asked by --fail-on-start");
    }

    // Restart strategy as plain configuration: the RestartStrategies class is gone in 2.0.
    // A bounded fixed-delay strategy makes --fail-after-seconds end in FAILED within about
    // (attempts + 1) * N seconds instead of restarting forever (the default with checkpoints).
    Configuration conf = new Configuration();
    conf.setString("restart-strategy.type", "fixed-delay");
    conf.setString("restart-strategy.fixed-delay.attempts", Integer.toString(restartAttempts));
    conf.setString("restart-strategy.fixed-delay.delay", "1 s");
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.configure(conf);
    env.enableCheckpointing(1000);

    env.fromSequence(0, Long.MAX_VALUE)
        .uid("sequence-source")
        .name("sequence-source")
        // Chained to the source, so sleeping here throttles the source itself and no backlog
        // builds up in network buffers (which would make checkpoint barriers wait).
        .map(new RateLimiter(rate))
        .uid("rate-limiter")
        .name("rate-limiter")
        .keyBy(new ModKey(), Types.LONG)
        .process(new Counter(failAfterSeconds, emit))
        .uid(counterUid)
        .name("counter")
        .sinkTo(new DiscardingSink<>())
        .uid("discard")
        .name("discard");

    env.execute(name);
  }

  /** The arguments without {@code --emit X}, which is read before the others. */
  private static String[] withoutEmitFlag(String[] args) {
    java.util.List<String> rest = new java.util.ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      if ("--emit".equals(args[i])) {
        value(args, ++i, "--emit");
      } else {
        rest.add(args[i]);
      }
    }
    return rest.toArray(new String[0]);
  }

  private static String value(String[] args, int index, String flag) {
    if (index >= args.length) {
      throw new IllegalArgumentException(flag + " needs a value");
    }
    return args[index];
  }

  /** Passes records through at most {@code rate} per second. */
  static final class RateLimiter implements MapFunction<Long, Long> {
    private static final long serialVersionUID = 1L;
    private final long intervalNanos;
    private transient long next;

    RateLimiter(long rate) {
      this.intervalNanos = 1_000_000_000L / rate;
    }

    @Override
    public Long map(Long value) throws Exception {
      long now = System.nanoTime();
      if (next == 0) {
        next = now;
      }
      long wait = next - now;
      if (wait > 0) {
        Thread.sleep(wait / 1_000_000L, (int) (wait % 1_000_000L));
      }
      // Never bank more than one second of credit, so a pause is not followed by a burst.
      next = Math.max(next, now - 1_000_000_000L) + intervalNanos;
      return value;
    }
  }

  /** Eight keys, so several keyed states exist even at parallelism 1. */
  static final class ModKey implements KeySelector<Long, Long> {
    private static final long serialVersionUID = 1L;

    @Override
    public Long getKey(Long value) {
      return value % 8;
    }
  }

  /** Counts records per key; the largest count is the {@code max-count} accumulator. */
  static final class Counter extends KeyedProcessFunction<Long, Long, Long> {
    private static final long serialVersionUID = 1L;
    private final long failAfterSeconds;
    private final boolean emit;
    // Initialised lazily rather than in open(): open's signature differs between 1.20 and 2.x.
    private transient ValueState<Long> count;
    private transient LongMaximum maxCount;
    private transient long startedAt;

    Counter(long failAfterSeconds, boolean emit) {
      this.failAfterSeconds = failAfterSeconds;
      this.emit = emit;
    }

    @Override
    public void processElement(Long value, Context ctx, Collector<Long> out) throws Exception {
      if (count == null) {
        count = getRuntimeContext().getState(new ValueStateDescriptor<>("count", Types.LONG));
        maxCount = new LongMaximum();
        getRuntimeContext().addAccumulator("max-count", maxCount);
        startedAt = System.currentTimeMillis();
      }
      if (failAfterSeconds >= 0 && System.currentTimeMillis() - startedAt >= failAfterSeconds * 1000) {
        throw new IllegalStateException(
            "Failing after " + failAfterSeconds + " s as asked by --fail-after-seconds");
      }
      Long current = count.value();
      long next = (current == null ? 0L : current) + 1;
      count.update(next);
      maxCount.add(next);
      if (emit) {
        out.collect(next);
      }
    }
  }
}
