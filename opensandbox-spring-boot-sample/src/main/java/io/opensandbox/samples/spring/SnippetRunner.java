package io.opensandbox.samples.spring;

import io.opensandbox.api.ConnectionConfig;
import io.opensandbox.commands.Commands;
import io.opensandbox.lifecycle.Sandbox;
import org.springframework.stereotype.Service;

/** Runs one shell snippet in a fresh sandbox and returns what it printed: what an agent tool would do. */
@Service
public class SnippetRunner {
    private final ConnectionConfig config;

    /**
     * Made by Spring with the starter's config.
     *
     * @param config the connection config
     */
    public SnippetRunner(ConnectionConfig config) {
        this.config = config;
    }

    /**
     * Runs a snippet.
     *
     * @param snippet a shell command line
     * @return its standard output
     */
    public String run(String snippet) {
        try (Sandbox sandbox =
                Sandbox.builder().image("python:3.12").connectionConfig(config).create()) {
            try {
                return Commands.of(sandbox).run(snippet).stdoutText();
            } finally {
                sandbox.kill();
            }
        }
    }
}
