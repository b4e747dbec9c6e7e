package io.opensandbox.examples;

import io.opensandbox.api.ConnectionConfig;
import io.opensandbox.codeinterpreter.CodeContext;
import io.opensandbox.codeinterpreter.CodeError;
import io.opensandbox.codeinterpreter.CodeExecution;
import io.opensandbox.codeinterpreter.CodeExecutionHandlers;
import io.opensandbox.codeinterpreter.CodeInterpreter;
import io.opensandbox.codeinterpreter.CodeOutput;
import io.opensandbox.codeinterpreter.CodeResult;
import io.opensandbox.codeinterpreter.RunCodeOptions;
import io.opensandbox.codeinterpreter.SupportedLanguage;
import io.opensandbox.lifecycle.Sandbox;
import io.opensandbox.testkit.LocalSandboxServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Optional;
import java.util.Queue;

/**
 * An agent-style loop over the code interpreter: create a Python context, run the code a model "generated" step by
 * step, print each text result, feed errors back, and save the first PNG result to a file ({@code chart.png}, or the
 * path given as the first argument).
 *
 * <p>The model is a fixed list of steps here; a real agent would send each step's result or error back to its LLM
 * and run what it answers. With {@code OPEN_SANDBOX_DOMAIN} set it uses that server and
 * {@code OPEN_SANDBOX_IMAGE} (default {@code opensandbox/code-interpreter:latest}); otherwise it starts an embedded
 * local test server on 127.0.0.1, whose code interpreter is the machine's {@code python3}.
 */
public final class CodeInterpreterExample {
    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    private CodeInterpreterExample() {}

    /**
     * Runs the example.
     *
     * @param args the PNG file to write, optional
     */
    public static void main(String[] args) {
        Path png = Path.of(args.length > 0 ? args[0] : "chart.png");
        String domain = System.getenv(ConnectionConfig.DOMAIN_ENV);
        if (domain != null && !domain.isBlank()) {
            System.out.println("Using the OpenSandbox server at " + domain);
            run(ConnectionConfig.fromEnvironment(), "opensandbox/code-interpreter:latest", png);
            return;
        }
        try (LocalSandboxServer server = LocalSandboxServer.start()) {
            System.out.println("OPEN_SANDBOX_DOMAIN is not set: using an embedded local server at " + server.domain());
            run(ConnectionConfig.builder().domain(server.domain()).build(), "python:3.12", png);
        }
    }

    /** What the "model" writes, one step at a time; the third step fails and the fourth fixes it. */
    private static Queue<String> generatedSteps() {
        return new ArrayDeque<>(List.of(
                "import math\nradius = 3\narea = math.pi * radius ** 2\nround(area, 2)",
                "for i in range(3):\n    print(f'step {i}: area is {area * (i + 1):.1f}')",
                "area / dimeter",
                "area / (2 * radius)",
                // a small gradient image as PNG, from the standard library only (a real image has matplotlib)
                """
                import struct, zlib
                class Chart:
                    def __init__(self, width, height):
                        self.width, self.height = width, height
                    def _repr_png_(self):
                        rows = b''.join(
                            b'\\x00' + bytes(
                                v for x in range(self.width)
                                for v in (x * 255 // self.width, y * 255 // self.height, 160))
                            for y in range(self.height))
                        def chunk(kind, data):
                            body = kind + data
                            return struct.pack('>I', len(data)) + body + struct.pack('>I', zlib.crc32(body))
                        header = struct.pack('>IIBBBBB', self.width, self.height, 8, 2, 0, 0, 0)
                        return (b'\\x89PNG\\r\\n\\x1a\\n' + chunk(b'IHDR', header)
                                + chunk(b'IDAT', zlib.compress(rows)) + chunk(b'IEND', b''))
                    def __repr__(self):
                        return f'<Chart {self.width}x{self.height}>'
                Chart(64, 48)
                """));
    }

    static void run(ConnectionConfig config, String image, Path pngFile) {
        String chosenImage = System.getenv().getOrDefault("OPEN_SANDBOX_IMAGE", image);
        try (Sandbox sandbox = Sandbox.builder()
                .image(chosenImage)
                .timeout(Duration.ofMinutes(10))
                .connectionConfig(config)
                .create()) {
            try {
                CodeInterpreter interpreter = CodeInterpreter.of(sandbox);
                CodeContext context = interpreter.createContext(SupportedLanguage.PYTHON);
                System.out.println("Created sandbox " + sandbox.id() + " and Python context " + context.id());
                CodeExecutionHandlers live = new CodeExecutionHandlers() {
                    @Override
                    public void onStdout(CodeOutput output) {
                        System.out.print("  | " + output.text());
                    }
                };
                RunCodeOptions options =
                        RunCodeOptions.builder().timeout(Duration.ofMinutes(2)).build();
                Queue<String> steps = generatedSteps();
                boolean saved = false;
                while (!steps.isEmpty()) {
                    String code = steps.poll();
                    System.out.println("> running " + firstLine(code));
                    CodeExecution execution = interpreter.run(context, code, options, live);
                    Optional<CodeError> error = execution.error();
                    if (error.isPresent()) {
                        // an agent sends this back to its model, which answers with a fixed step
                        System.out.println("  error for the model: "
                                + error.get().name() + ": " + error.get().value());
                        continue;
                    }
                    execution.text().ifPresent(text -> System.out.println("  result: " + text));
                    for (CodeResult result : execution.results()) {
                        Optional<byte[]> bytes = result.png();
                        if (bytes.isPresent() && !saved) {
                            save(pngFile, bytes.get());
                            saved = true;
                        }
                    }
                }
                if (!saved) {
                    throw new IllegalStateException("no step produced a PNG result");
                }
            } finally {
                sandbox.kill();
                System.out.println("Killed sandbox " + sandbox.id());
            }
        }
    }

    private static String firstLine(String code) {
        String line = code.strip().lines().findFirst().orElse("");
        return line.length() > 60 ? line.substring(0, 60) + "..." : line;
    }

    private static void save(Path file, byte[] png) {
        if (png.length < 33 || !java.util.Arrays.equals(java.util.Arrays.copyOf(png, 8), PNG_SIGNATURE)) {
            throw new IllegalStateException("the result's image/png is not a PNG (" + png.length + " bytes)");
        }
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.write(file, png);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int width = ((png[16] & 0xff) << 24) | ((png[17] & 0xff) << 16) | ((png[18] & 0xff) << 8) | (png[19] & 0xff);
        int height = ((png[20] & 0xff) << 24) | ((png[21] & 0xff) << 16) | ((png[22] & 0xff) << 8) | (png[23] & 0xff);
        System.out.println(
                "  saved a " + width + "x" + height + " PNG (" + png.length + " bytes) to " + file.toAbsolutePath());
    }
}
