package io.opensandbox.api.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class UrlsTest {
    @Test
    void segment_escapesEverythingButUnreserved() {
        assertThat(Urls.segment("a b/c&d#e%f+g~h.i_j-k")).isEqualTo("a%20b%2Fc%26d%23e%25f%2Bg~h.i_j-k");
        assertThat(Urls.segment("é")).isEqualTo("%C3%A9");
    }

    @Test
    void query_repeatsParametersAndSkipsNulls() {
        String query = Urls.query()
                .addAll("state", List.of("Running", "Paused"))
                .add("skip", null)
                .add("path", "/tmp/a b&c")
                .toString();

        assertThat(query).isEqualTo("?state=Running&state=Paused&path=%2Ftmp%2Fa%20b%26c");
        assertThat(Urls.query().toString()).isEmpty();
    }
}
