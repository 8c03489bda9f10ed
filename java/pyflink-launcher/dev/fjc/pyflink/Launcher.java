package dev.fjc.pyflink;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
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

/**
 * The entry class of the jar fjc assembles for a PyFlink job. The jar carries the job's Python
 * files as resources, so the JobManager (which runs main() of a REST submission) reads exactly
 * the bytes fjc verified against the spec's sha256. main() extracts them, checks that the
 * cluster can run Python at all (so a missing interpreter or pyflink is reported as such, not as
 * "exit code 1"), and hands over to Flink's PythonDriver with -py/-pym and -pyfs. A failure of
 * the Python program is rethrown with the tail of its output, which holds the traceback.
 *
 * No compile-time dependency on Flink: PythonDriver and the configuration are reached by
 * reflection, so one launcher serves every Flink version.
 */
public final class Launcher {
    private static final String PREFIX = "fjc-python/";
    private static final int TAIL_LINES = 40;

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
