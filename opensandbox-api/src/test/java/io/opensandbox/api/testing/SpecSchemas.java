package io.opensandbox.api.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Validates JSON bodies against the schemas of the official OpenAPI documents in {@code specs/} at the repository
 * root (OpenAPI 3.1, whose schemas are JSON Schema 2020-12). Used by every module's wire tests.
 */
public final class SpecSchemas {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, JsonNode> DOCUMENTS = new ConcurrentHashMap<>();

    private SpecSchemas() {}

    /**
     * The {@code specs/} folder, found by walking up from the working directory.
     *
     * @return the folder
     */
    public static Path specsFolder() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            Path candidate = dir.resolve("specs").resolve("sandbox-lifecycle.yml");
            if (Files.isRegularFile(candidate)) {
                return candidate.getParent();
            }
            dir = dir.getParent();
        }
        throw new IllegalStateException("no specs/ folder above " + Path.of("").toAbsolutePath());
    }

    private static JsonNode document(String file) {
        return DOCUMENTS.computeIfAbsent(file, name -> {
            try {
                return YAML.readTree(specsFolder().resolve(name).toFile());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /**
     * Validates a JSON body against a named schema of a spec.
     *
     * @param file the spec file, for example {@code sandbox-lifecycle.yml}
     * @param schema the schema name under {@code components.schemas}
     * @param json the body
     * @return the violations, empty when valid
     */
    public static List<String> violations(String file, String schema, byte[] json) {
        JsonNode spec = document(file);
        if (spec.path("components").path("schemas").path(schema).isMissingNode()) {
            throw new IllegalArgumentException("no schema " + schema + " in " + file);
        }
        ObjectNode root = JSON.createObjectNode();
        root.put("$schema", "https://json-schema.org/draft/2020-12/schema");
        root.put("$ref", "#/components/schemas/" + schema);
        root.set("components", spec.get("components"));
        JsonSchema validator =
                JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(root);
        try {
            return validator.validate(JSON.readTree(json)).stream()
                    .map(ValidationMessage::getMessage)
                    .sorted()
                    .collect(Collectors.toList());
        } catch (IOException e) {
            return List.of("not JSON: " + e.getMessage());
        }
    }
}
