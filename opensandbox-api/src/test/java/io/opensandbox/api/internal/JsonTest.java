package io.opensandbox.api.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opensandbox.api.SandboxException;
import java.time.Instant;
import java.time.OffsetDateTime;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonTest {
    @ParameterizedTest
    @ValueSource(
            strings = {
                "2025-11-16T14:30:45Z",
                "2025-11-16T14:30:45.123Z",
                "2025-11-16T14:30:45.123456+00:00",
                "2025-11-16T14:30:45.123456789-07:30",
                "2024-02-29T23:59:59+08:00",
                "0001-01-01T00:00:00Z",
                "2026-11-27T07:00:00.5+05:45"
            })
    void instant_fastPathAgreesWithTheJdkParser(String text) {
        Instant expected = OffsetDateTime.parse(text).toInstant();

        assertThat(Json.rfc3339(text)).isEqualTo(expected);
        assertThat(Json.instant(text)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"2025-02-30T00:00:00Z", "2025-13-01T00:00:00Z", "2025-11-16 14:30:45Z", "yesterday"})
    void instant_leavesOddFormsToTheJdkParserWhichRejectsInvalidOnes(String text) {
        assertThat(Json.rfc3339(text)).isNull();
        assertThatThrownBy(() -> Json.instant(text)).isInstanceOf(SandboxException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"2025-11-16T14:30Z", "2025-11-16T14:30:45.1+01:00"})
    void instant_acceptsWhatTheJdkParserAccepts(String text) {
        assertThat(Json.instant(text)).isEqualTo(OffsetDateTime.parse(text).toInstant());
    }
}
