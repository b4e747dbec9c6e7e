package io.opensandbox.benchmarks;

import io.opensandbox.api.ConnectionConfig;
import io.opensandbox.codeinterpreter.CodeContext;
import io.opensandbox.codeinterpreter.CodeExecutionHandlers;
import io.opensandbox.codeinterpreter.CodeInterpreter;
import io.opensandbox.codeinterpreter.CodeOutput;
import io.opensandbox.codeinterpreter.RunCodeOptions;
import io.opensandbox.codeinterpreter.SupportedLanguage;
import io.opensandbox.commands.Commands;
import io.opensandbox.commands.Execution;
import io.opensandbox.commands.ExecutionHandlers;
import io.opensandbox.commands.OutputMessage;
import io.opensandbox.commands.RunOptions;
import io.opensandbox.lifecycle.Sandbox;
import io.opensandbox.testkit.LocalSandboxServer;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The code interpreter next to commands, end to end against the testkit's local server (a python3 process per code
 * context, real processes for commands), so the figures include the server and the interpreter, not only the SDK.
 * Prints a table; asserts nothing.
 *
 * <ol>
 *   <li>round trip of {@code 1+1} in a warm Python context, next to {@code python3 -c 'print(1+1)'} and
 *       {@code echo 2} through {@code Commands.run};
 *   <li>small results: sequential runs of {@code n += 1; n} (one result each) per second, next to sequential
 *       {@code echo} commands;
 *   <li>output: one run printing many short lines, lines per second through the handlers, next to the same Python
 *       loop run as a command.
 * </ol>
 *
 * <p>Arguments (all optional): round trips (200), small results (500), output lines (200,000).
 */
public final class CodeInterpreterBenchmark {
    private CodeInterpreterBenchmark() {}

    /**
     * Runs the benchmark.
     *
     * @param args round trips, small results, output lines
     */
    public static void main(String[] args) {
        int trips = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        int results = args.length > 1 ? Integer.parseInt(args[1]) : 500;
        int lines = args.length > 2 ? Integer.parseInt(args[2]) : 200_000;
        try (LocalSandboxServer server = LocalSandboxServer.start();
                Sandbox sandbox = Sandbox.builder()
                        .image("python:3.12")
                        .timeout(Duration.ofMinutes(30))
                        .connectionConfig(ConnectionConfig.builder()
                                .domain(server.domain())
                                .build())
                        .create()) {
            CodeInterpreter interpreter = CodeInterpreter.of(sandbox);
            Commands commands = Commands.of(sandbox);
            CodeContext context = interpreter.createContext(SupportedLanguage.PYTHON);
            System.out.printf(Locale.ROOT, "%-62s %s%n", "measurement", "result (median / p99 or rate)");

            // warm-up: the context's interpreter, the JIT, the connection pool
            for (int i = 0; i < 20; i++) {
                check(interpreter.run(context, "1+1").text().orElse(""), "2");
                commands.run("echo 2");
                commands.run("python3 -c 'print(1+1)'");
            }

            report(
                    "code: `1+1` in a warm Python context",
                    latencies(
                            trips, () -> interpreter.run(context, "1+1").text().orElse("")));
            report(
                    "commands: `python3 -c 'print(1+1)'`",
                    latencies(
                            Math.max(1, trips / 4),
                            () -> commands.run("python3 -c 'print(1+1)'")
                                    .stdoutText()
                                    .strip()));
            report(
                    "commands: `echo 2`",
                    latencies(trips, () -> commands.run("echo 2").stdoutText().strip()));

            interpreter.run(context, "n = 0");
            long start = System.nanoTime();
            String last = "";
            for (int i = 0; i < results; i++) {
                last = interpreter.run(context, "n += 1\nn").text().orElse("");
            }
            double codeRate = rate(results, start);
            check(last, Integer.toString(results));
            start = System.nanoTime();
            for (int i = 0; i < results; i++) {
                last = commands.run("echo " + i).stdoutText().strip();
            }
            double echoRate = rate(results, start);
            check(last, Integer.toString(results - 1));
            System.out.printf(
                    Locale.ROOT,
                    "%-62s %,.0f results/s%n",
                    "code: " + results + " sequential runs of `n += 1; n`",
                    codeRate);
            System.out.printf(
                    Locale.ROOT, "%-62s %,.0f commands/s%n", "commands: " + results + " sequential `echo i`", echoRate);

            AtomicLong seen = new AtomicLong();
            start = System.nanoTime();
            interpreter.run(
                    context,
                    "for i in range(" + lines + "):\n    print(i)",
                    RunCodeOptions.builder().skipAccumulation(true).build(),
                    new CodeExecutionHandlers() {
                        @Override
                        public void onStdout(CodeOutput output) {
                            seen.addAndGet(
                                    output.text().chars().filter(c -> c == '\n').count());
                        }
                    });
            double codeLines = rate(seen.get(), start);
            check(Long.toString(seen.get()), Integer.toString(lines));
            AtomicLong commandLines = new AtomicLong();
            start = System.nanoTime();
            Execution loop = commands.run(
                    "python3 -c 'for i in range(" + lines + "): print(i)'",
                    RunOptions.builder().skipAccumulation(true).build(),
                    new ExecutionHandlers() {
                        @Override
                        public void onStdout(OutputMessage message) {
                            commandLines.incrementAndGet();
                        }
                    });
            double commandRate = rate(commandLines.get(), start);
            check(Long.toString(commandLines.get()), Integer.toString(lines));
            check(Integer.toString(loop.exitCode().orElse(-1)), "0");
            System.out.printf(
                    Locale.ROOT,
                    "%-62s %,.0f lines/s%n",
                    "code: one run printing " + lines + " lines (handler, skip accum.)",
                    codeLines);
            System.out.printf(
                    Locale.ROOT,
                    "%-62s %,.0f lines/s%n",
                    "commands: the same loop as `python3 -c` (handler, skip accum.)",
                    commandRate);
            sandbox.kill();
        }
    }

    private static double[] latencies(int count, Supplier<String> call) {
        double[] millis = new double[count];
        for (int i = 0; i < count; i++) {
            long start = System.nanoTime();
            check(call.get(), "2");
            millis[i] = (System.nanoTime() - start) / 1e6;
        }
        Arrays.sort(millis);
        return millis;
    }

    private static void report(String what, double[] sorted) {
        double median = sorted[sorted.length / 2];
        double p99 = sorted[Math.min(sorted.length - 1, (int) Math.ceil(sorted.length * 0.99) - 1)];
        System.out.printf(Locale.ROOT, "%-62s %.2f ms / %.2f ms (n=%d)%n", what, median, p99, sorted.length);
    }

    private static double rate(long count, long startNanos) {
        return count / ((System.nanoTime() - startNanos) / 1e9);
    }

    private static void check(String actual, String expected) {
        if (!actual.equals(expected)) {
            throw new IllegalStateException("expected " + expected + " but got " + actual);
        }
    }
}
