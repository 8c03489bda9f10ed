package dev.fjc.pyflink;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The entry class of the jar fjc assembles for a PyFlink job. The jar carries the job's Python
 * files as resources, so the JobManager (which runs main() of a REST submission) reads exactly
 * the bytes fjc verified against the spec's sha256. main() extracts them, checks that the
 * cluster can run Python at all (so a missing interpreter or pyflink is reported as such, not as
 * "exit code 1"), and hands over to Flink's PythonDriver with -py/-pym and -pyfs. A failure of
 * the Python program is rethrown with the tail of its output, which holds the traceback.
 *
 * <p>The Python program reaches the JVM through py4j threads, and those find the REST submission's
 * execution environment only through JVM-global state: StreamExecutionEnvironment's static
 * context factory (the submission thread also has it in a thread-local, which py4j threads do
 * not see). Any other submission on the JobManager sets that static field when it starts and
 * clears it when it ends; a Python program that asks for its environment in between gets a
 * LOCAL one and runs its job in a MiniCluster inside the JobManager. So the launcher runs one
 * Python program per JobManager at a time ({@link #acquireJvmLock}) and, while it runs, keeps
 * the static field on its own submission's factory ({@link ContextGuard}). Other submissions are
 * unaffected: their main() runs on their submission thread, which prefers its thread-local.
 *
 * <p>No compile-time dependency on Flink: PythonDriver and the configuration are reached by
 * reflection, so one launcher serves every Flink version.
 */
public final class Launcher {
    private static final String PREFIX = "fjc-python/";
    private static final int TAIL_LINES = 40;
    /**
     * The monitor of the JobManager-wide lock. A string literal is interned: the launcher classes
     * of every uploaded jar (each in its own class loader) see this one object.
     */
    private static final String JVM_LOCK = "dev.fjc.pyflink.Launcher#python-program";
    /** The system property that holds the lock's owner while a Python program runs. */
    private static final String JVM_LOCK_OWNER = "dev.fjc.pyflink.running";
    /**
     * How long a submission waits for another Python program on the JobManager: below fjc's
     * 60 s timeout of POST /jars/:id/run, so that the answer still reaches fjc.
     */
    private static final long JVM_LOCK_WAIT_MS = 40_000;
    private static final String ENV_CLASS =
            "org.apache.flink.streaming.api.environment.StreamExecutionEnvironment";

    private Launcher() {}

    public static void main(String[] args) throws Throwable {
        Properties launch = new Properties();
        try (InputStream in = resource("launch.properties")) {
            launch.load(in);
        }
        Path dir = Paths.get(System.getProperty("java.io.tmpdir"), "fjc-pyflink",
                launch.getProperty("program.id"));
        Files.createDirectories(dir);
        List<String> driverArgs = new ArrayList<>();
        String main = extract(launch.getProperty("main"), dir);
        List<String> pyFiles = new ArrayList<>();
        String extra = launch.getProperty("pyFiles", "");
        for (String name : extra.isEmpty() ? new String[0] : extra.split(",")) {
            pyFiles.add(extract(name, dir));
        }
        String module = launch.getProperty("entryModule");
        if (module == null) {
            driverArgs.add("-py");
            driverArgs.add(main);
        } else {
            driverArgs.add("-pym");
            driverArgs.add(module);
            pyFiles.add(0, main);
        }
        if (!pyFiles.isEmpty()) {
            driverArgs.add("-pyfs");
            driverArgs.add(String.join(",", pyFiles));
        }
        for (String arg : args) driverArgs.add(arg);

        Class<?> driver;
        try {
            driver = Class.forName("org.apache.flink.client.python.PythonDriver");
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(
                    "fjc: the cluster cannot run PyFlink jobs: flink-python is not on its classpath"
                            + " (put opt/flink-python-*.jar into lib/ of the JobManager and TaskManagers)");
        }
        preflight(clientExecutable());
        Method mainMethod = driver.getMethod("main", String[].class);
        String owner = launch.getProperty("program.id") + "@" + Thread.currentThread().getName();
        acquireJvmLock(owner);
        ContextGuard guard = ContextGuard.start();
        Tail tail = new Tail(Thread.currentThread(), System.out);
        System.setOut(tail);
        try {
            mainMethod.invoke(null, (Object) driverArgs.toArray(new String[0]));
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            // The last line the program printed is its Python exception ("RuntimeError: …"):
            // that line, not "exit code 1", is the root cause Flink reports to fjc. Thrown
            // without a cause so that it stays the root of the chain; the whole output is in
            // the JobManager log, where PythonDriver logs it.
            String last = tail.lastLine();
            throw new IllegalStateException("fjc: the Python program failed: "
                    + (last.isEmpty() ? String.valueOf(cause.getMessage()) : last));
        } finally {
            System.setOut(tail.original);
            if (guard != null) guard.stop();
            releaseJvmLock();
        }
    }

    /**
     * Waits until no other fjc Python program runs on this JobManager, then marks this one as
     * running. Two programs cannot share the one static context factory their py4j threads read.
     */
    private static void acquireJvmLock(String owner) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(JVM_LOCK_WAIT_MS);
        synchronized (JVM_LOCK) {
            for (;;) {
                String holder = System.getProperty(JVM_LOCK_OWNER);
                if (holder == null) break;
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    throw new IllegalStateException("fjc: another PyFlink program (" + holder
                            + ") has been starting on this JobManager for over "
                            + (JVM_LOCK_WAIT_MS / 1000) + " s; PyFlink programs start one at a"
                            + " time per JobManager. Apply the job again once it has started.");
                }
                JVM_LOCK.wait(left);
            }
            System.setProperty(JVM_LOCK_OWNER, owner);
        }
    }

    private static void releaseJvmLock() {
        synchronized (JVM_LOCK) {
            System.clearProperty(JVM_LOCK_OWNER);
            JVM_LOCK.notifyAll();
        }
    }

    /**
     * Keeps StreamExecutionEnvironment's static context factory on this submission's factory
     * while the Python program runs, putting it back whenever another submission ending on the
     * JobManager clears it (or one starting replaces it). The factory is read from the
     * submission thread's thread-local, which only this submission sets.
     */
    private static final class ContextGuard implements Runnable {
        /** Short: a py4j call landing between a clear and the repair would get a local env. */
        private static final long PERIOD_NANOS = TimeUnit.MICROSECONDS.toNanos(500);
        private final Field field;
        private final Object factory;
        private final Thread thread;
        private volatile boolean stopped;
        private int repairs;

        private ContextGuard(Field field, Object factory) {
            this.field = field;
            this.factory = factory;
            this.thread = new Thread(this, "fjc-pyflink-context-guard");
            this.thread.setDaemon(true);
        }

        /** Null when there is no submission context to keep (a run outside a REST submission). */
        static ContextGuard start() {
            try {
                Class<?> envClass = Class.forName(ENV_CLASS);
                Field local = envClass.getDeclaredField("threadLocalContextEnvironmentFactory");
                local.setAccessible(true);
                Object factory = ((ThreadLocal<?>) local.get(null)).get();
                if (factory == null) return null;
                Field field = envClass.getDeclaredField("contextEnvironmentFactory");
                field.setAccessible(true);
                field.set(null, factory);
                ContextGuard guard = new ContextGuard(field, factory);
                guard.thread.start();
                return guard;
            } catch (ReflectiveOperationException | RuntimeException e) {
                // A Flink whose internals differ: run unguarded, as PythonDriver alone would.
                System.err.println("fjc: cannot guard the PyFlink submission's environment: " + e);
                return null;
            }
        }

        @Override
        public void run() {
            while (!stopped) {
                try {
                    if (field.get(null) != factory) {
                        field.set(null, factory);
                        repairs++;
                    }
                } catch (IllegalAccessException e) {
                    return;
                }
                LockSupport.parkNanos(PERIOD_NANOS);
            }
        }

        void stop() throws InterruptedException {
            stopped = true;
            thread.join();
            if (repairs > 0) {
                System.err.println("fjc: restored the PyFlink submission's execution environment "
                        + repairs + " time(s) after other submissions on this JobManager changed it");
            }
        }
    }

    private static InputStream resource(String name) throws IOException {
        InputStream in = Launcher.class.getClassLoader().getResourceAsStream(PREFIX + name);
        if (in == null) throw new IOException("fjc: the jar lacks " + PREFIX + name);
        return in;
    }

    private static String extract(String name, Path dir) throws IOException {
        Path target = dir.resolve(name);
        Path tmp = Files.createTempFile(dir, ".part", "");
        try (InputStream in = resource("files/" + name)) {
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
        }
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return target.toAbsolutePath().toString();
    }

    /** The interpreter PythonDriver will use: Flink's own order of precedence. */
    @SuppressWarnings("unchecked")
    private static String clientExecutable() {
        String fromEnv = System.getenv("PYFLINK_CLIENT_EXECUTABLE");
        if (fromEnv != null && !fromEnv.isEmpty()) return fromEnv;
        try {
            Class<?> envClass = Class.forName(
                    "org.apache.flink.streaming.api.environment.StreamExecutionEnvironment");
            Object env = envClass.getMethod("getExecutionEnvironment").invoke(null);
            Object config = envClass.getMethod("getConfiguration").invoke(env);
            Map<String, String> map = (Map<String, String>) config.getClass().getMethod("toMap").invoke(config);
            String value = map.get("python.client.executable");
            if (value != null && !value.isEmpty()) return value;
        } catch (ReflectiveOperationException | RuntimeException e) {
            // Fall back to Flink's default below.
        }
        return "python";
    }

    /** Fails with the interpreter's own words when it cannot start or cannot import pyflink. */
    private static void preflight(String executable) throws Exception {
        Process process;
        try {
            process = new ProcessBuilder(executable, "-c", "import pyflink.datastream")
                    .redirectErrorStream(true)
                    .start();
        } catch (IOException e) {
            throw new IllegalStateException("fjc: the cluster cannot run PyFlink jobs: its Python interpreter '"
                    + executable + "' (python.client.executable) cannot be started: " + e.getMessage());
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream in = process.getInputStream()) {
            in.transferTo(out);
        }
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("fjc: the cluster's Python interpreter '" + executable
                    + "' did not import pyflink within 120 s");
        }
        if (process.exitValue() != 0) {
            String text = out.toString(StandardCharsets.UTF_8).trim();
            String[] lines = text.split("\n");
            throw new IllegalStateException("fjc: the cluster cannot run PyFlink jobs: '" + executable
                    + " -c \"import pyflink.datastream\"' failed: " + lines[lines.length - 1]);
        }
    }

    /** System.out that keeps the last lines printed by one thread (PythonDriver's output loop). */
    private static final class Tail extends PrintStream {
        final PrintStream original;
        private final Thread owner;
        private final Deque<String> lines = new ArrayDeque<>();
        private final StringBuilder current = new StringBuilder();

        Tail(Thread owner, PrintStream original) {
            super(original, true);
            this.owner = owner;
            this.original = original;
        }

        @Override
        public void write(int b) {
            super.write(b);
            if (Thread.currentThread() == owner) record(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] buf, int off, int len) {
            super.write(buf, off, len);
            if (Thread.currentThread() == owner) record(buf, off, len);
        }

        private synchronized void record(byte[] buf, int off, int len) {
            String text = new String(buf, off, len, StandardCharsets.UTF_8);
            for (char c : text.toCharArray()) {
                if (c == '\n') {
                    lines.addLast(current.toString());
                    current.setLength(0);
                    if (lines.size() > TAIL_LINES) lines.removeFirst();
                } else {
                    current.append(c);
                }
            }
        }

        synchronized String lastLine() {
            if (current.toString().trim().length() > 0) return current.toString().trim();
            for (java.util.Iterator<String> it = lines.descendingIterator(); it.hasNext(); ) {
                String line = it.next().trim();
                if (!line.isEmpty()) return line;
            }
            return "";
        }
    }
}
