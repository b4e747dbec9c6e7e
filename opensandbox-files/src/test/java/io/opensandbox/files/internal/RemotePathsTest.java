package io.opensandbox.files.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opensandbox.api.InvalidArgumentException;
import java.util.List;
import org.junit.jupiter.api.Test;

class RemotePathsTest {

    @Test
    void check_acceptsAbsolutePathsWithAnyPrintableCharacters() {
        String path = "/tmp/a b&c#d%e+f/ü 漢字.txt";
        assertThat(RemotePaths.check(path, "path")).isEqualTo(path);
    }

    @Test
    void check_rejectsNullBlankRelativeAndControlCharacters() {
        assertThatThrownBy(() -> RemotePaths.check(null, "path"))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("null");
        assertThatThrownBy(() -> RemotePaths.check("  ", "path")).isInstanceOf(InvalidArgumentException.class);
        assertThatThrownBy(() -> RemotePaths.check("tmp/a.txt", "path"))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("absolute");
        assertThatThrownBy(() -> RemotePaths.check("/tmp/a\nb", "path"))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("control character")
                .hasMessageContaining("\\u000a");
        assertThatThrownBy(() -> RemotePaths.check("/tmp/a\0b", "path")).isInstanceOf(InvalidArgumentException.class);
    }

    @Test
    void checkAll_andDistinct() {
        assertThatThrownBy(() -> RemotePaths.checkAll(List.of(), "path")).isInstanceOf(InvalidArgumentException.class);
        assertThatThrownBy(() -> RemotePaths.checkDistinct(List.of("/a", "/b", "/a"), "path"))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("/a");
    }

    @Test
    void partFilename_isTheSanitisedBaseName() {
        assertThat(RemotePaths.partFilename("/data/model.bin")).isEqualTo("model.bin");
        assertThat(RemotePaths.partFilename("/data/dir/")).isEqualTo("dir");
        assertThat(RemotePaths.partFilename("/data/a\"b\\c ü.txt")).isEqualTo("a_b_c _.txt");
        assertThat(RemotePaths.partFilename("/")).isEqualTo("file");
    }
}
