package io.opensandbox.transport.tck;

import static org.assertj.core.api.Assertions.assertThat;

import io.opensandbox.api.spi.TransportProvider;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.ServiceLoader;
import java.util.regex.Matcher;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

/**
 * Checks that a transport module declares its provider the same way for module-path users ({@code provides} in
 * {@code module-info.java}) and class-path users ({@code META-INF/services}), and that {@link ServiceLoader} finds
 * it. A transport's test subclasses it, as it does {@link TransportCompatibilityKit}.
 */
public abstract class ServiceDeclarationKit {

    /** For subclasses: a transport's test. */
    protected ServiceDeclarationKit() {}

    /**
     * The provider class the transport module declares.
     *
     * @return the class
     */
    protected abstract Class<? extends TransportProvider> providerClass();

    /**
     * The name the provider reports.
     *
     * @return the name
     */
    protected abstract String providerName();

    /**
     * The module's {@code provides} clause and its {@code META-INF/services} file name the same provider.
     *
     * @throws IOException if a file cannot be read
     */
    @Test
    protected void moduleInfoProvides_andServicesFile_nameTheSameProvider() throws IOException {
        String moduleInfo = Files.readString(Path.of("src/main/java/module-info.java"));
        Matcher provides = java.util.regex.Pattern.compile(
                        "provides\\s+io\\.opensandbox\\.api\\.spi\\.TransportProvider\\s+with\\s+([\\w.\\s,]+);")
                .matcher(moduleInfo);
        assertThat(provides.find()).as("module-info provides TransportProvider").isTrue();
        List<String> fromModule =
                List.of(provides.group(1).replaceAll("\\s", "").split(","));

        String services;
        try (InputStream in = getClass()
                .getClassLoader()
                .getResourceAsStream("META-INF/services/io.opensandbox.api.spi.TransportProvider")) {
            assertThat(in).as("services file").isNotNull();
            services = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        List<String> fromServices = services.lines()
                .map(line -> line.replaceAll("#.*", "").trim())
                .filter(line -> !line.isEmpty())
                .collect(Collectors.toList());

        assertThat(fromServices)
                .isEqualTo(fromModule)
                .containsExactly(providerClass().getName());
    }

    /** {@link ServiceLoader} finds the provider. */
    @Test
    protected void serviceLoader_findsTheProvider() {
        List<String> names = StreamSupport.stream(
                        ServiceLoader.load(TransportProvider.class).spliterator(), false)
                .map(TransportProvider::name)
                .collect(Collectors.toList());
        assertThat(names).contains(providerName());
    }
}
