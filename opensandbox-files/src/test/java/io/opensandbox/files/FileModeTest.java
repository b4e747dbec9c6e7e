package io.opensandbox.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opensandbox.api.InvalidArgumentException;
import io.opensandbox.files.internal.Wire;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;

class FileModeTest {

    @Test
    void of_acceptsChmodStyleOctalDigits() {
        assertThat(FileMode.of("755").bits()).isEqualTo(0755);
        assertThat(FileMode.of("0644").bits()).isEqualTo(0644);
        assertThat(FileMode.of("0o600").bits()).isEqualTo(0600);
        assertThat(FileMode.of("7").bits()).isEqualTo(07);
        assertThat(FileMode.of("000").bits()).isZero();
    }

    @Test
    void of_rejectsNonOctalOrSpecialBits() {
        for (String bad : new String[] {"", "8", "789", "4755", "rwx", "-1", "0x1ff"}) {
            assertThatThrownBy(() -> FileMode.of(bad)).as(bad).isInstanceOf(InvalidArgumentException.class);
        }
    }

    @Test
    void ofOctal_rejectsOutOfRange_andSuggestsOctalLiteral() {
        assertThat(FileMode.ofOctal(0750).toOctalString()).isEqualTo("750");
        assertThatThrownBy(() -> FileMode.ofOctal(755))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("octal literal");
        assertThatThrownBy(() -> FileMode.ofOctal(-1)).isInstanceOf(InvalidArgumentException.class);
    }

    @Test
    void posixPermissions_roundTrip() {
        FileMode mode = FileMode.of(PosixFilePermissions.fromString("rwxr-x---"));
        assertThat(mode.bits()).isEqualTo(0750);
        assertThat(PosixFilePermissions.toString(mode.toPosixPermissions())).isEqualTo("rwxr-x---");
        assertThat(mode).hasToString("rwxr-x--- (750)");
        assertThat(FileMode.ofOctal(0640)).isEqualTo(FileMode.of("640"));
    }

    @Test
    void wire_usesOctalDigitsAsDecimal() {
        assertThat(Wire.modeToWire(0755)).isEqualTo(755);
        assertThat(Wire.modeToWire(0644)).isEqualTo(644);
        assertThat(Wire.modeToWire(0007)).isEqualTo(7);
        assertThat(Wire.modeFromWire(755)).isEqualTo(0755);
        assertThat(Wire.modeFromWire(600)).isEqualTo(0600);
        assertThat(Wire.modeFromWire(0)).isZero();
    }

    @Test
    void wire_takesNonOctalDigitsAsRawBits() {
        assertThat(Wire.modeFromWire(493)).isEqualTo(0755); // 493 == 0755 sent as raw bits
    }
}
