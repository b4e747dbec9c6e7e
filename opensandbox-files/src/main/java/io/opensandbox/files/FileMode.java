package io.opensandbox.files;

import io.opensandbox.api.InvalidArgumentException;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * Unix permission bits of a file ({@code rwxr-xr-x} and so on), the nine bits {@code 0000} to {@code 0777}.
 *
 * <p>Made from an octal string ({@code FileMode.of("755")}), an octal literal ({@code FileMode.ofOctal(0755)}) or a
 * set of {@link PosixFilePermission}s. The SDK converts it to execd's wire form itself (an integer whose decimal
 * digits are the octal digits, {@code 0755} travels as {@code 755}), so a caller never writes that number by hand.
 *
 * <p>Setuid, setgid and the sticky bit are not accepted: execd would drop them silently. Mode {@code 000} is a valid
 * value (a listing may report it) but cannot be sent: execd reads {@code 0} as "leave the mode unchanged".
 */
public final class FileMode {
    private static final PosixFilePermission[] ORDER = {
        PosixFilePermission.OWNER_READ,
        PosixFilePermission.OWNER_WRITE,
        PosixFilePermission.OWNER_EXECUTE,
        PosixFilePermission.GROUP_READ,
        PosixFilePermission.GROUP_WRITE,
        PosixFilePermission.GROUP_EXECUTE,
        PosixFilePermission.OTHERS_READ,
        PosixFilePermission.OTHERS_WRITE,
        PosixFilePermission.OTHERS_EXECUTE
    };

    private final int bits;

    private FileMode(int bits) {
        this.bits = bits;
    }

    /**
     * A mode from its permission bits, written as an octal literal in Java: {@code FileMode.ofOctal(0755)}.
     *
     * @param bits the bits, {@code 0} to {@code 0777}
     * @return the mode
     * @throws InvalidArgumentException if the value has bits outside {@code 0777}
     */
    public static FileMode ofOctal(int bits) {
        if (bits < 0 || bits > 0777) {
            throw new InvalidArgumentException(
                    "file mode must be between 0000 and 0777 (octal), got 0" + Integer.toOctalString(bits)
                            + "; write it as an octal literal like 0755, or use FileMode.of(\"755\")",
                    null);
        }
        return new FileMode(bits);
    }

    /**
     * A mode from its octal digits, as {@code chmod} takes them: {@code "755"}, {@code "0644"}, {@code "0o600"}.
     *
     * @param octal one to three octal digits, optionally after a leading {@code 0} or {@code 0o}
     * @return the mode
     * @throws InvalidArgumentException if the text is not such a number
     */
    public static FileMode of(String octal) {
        Objects.requireNonNull(octal, "octal");
        String digits = octal.strip();
        if (digits.startsWith("0o") || digits.startsWith("0O")) {
            digits = digits.substring(2);
        }
        while (digits.length() > 1 && digits.charAt(0) == '0') {
            digits = digits.substring(1);
        }
        if (digits.isEmpty() || digits.length() > 3 || !digits.chars().allMatch(c -> c >= '0' && c <= '7')) {
            throw new InvalidArgumentException(
                    "file mode must be one to three octal digits like \"755\" or \"0644\", got \"" + octal + "\"",
                    null);
        }
        return new FileMode(Integer.parseInt(digits, 8));
    }

    /**
     * A mode from a set of permissions, as {@link java.nio.file.Files#getPosixFilePermissions} returns them.
     *
     * @param permissions the permissions
     * @return the mode
     */
    public static FileMode of(Set<PosixFilePermission> permissions) {
        Objects.requireNonNull(permissions, "permissions");
        int bits = 0;
        for (int i = 0; i < ORDER.length; i++) {
            if (permissions.contains(ORDER[i])) {
                bits |= 1 << (8 - i);
            }
        }
        return new FileMode(bits);
    }

    /**
     * The permission bits, {@code 0} to {@code 0777}.
     *
     * @return the bits
     */
    public int bits() {
        return bits;
    }

    /**
     * The mode as three octal digits, {@code "755"}.
     *
     * @return the octal digits
     */
    public String toOctalString() {
        String digits = Integer.toOctalString(bits);
        return "000".substring(digits.length()) + digits;
    }

    /**
     * The mode as a set of permissions.
     *
     * @return a new, modifiable set
     */
    public Set<PosixFilePermission> toPosixPermissions() {
        Set<PosixFilePermission> result = EnumSet.noneOf(PosixFilePermission.class);
        for (int i = 0; i < ORDER.length; i++) {
            if ((bits & (1 << (8 - i))) != 0) {
                result.add(ORDER[i]);
            }
        }
        return result;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof FileMode that && bits == that.bits;
    }

    @Override
    public int hashCode() {
        return bits;
    }

    /**
     * The mode as {@code ls -l} prints it after the type character: {@code rwxr-xr-x (755)}.
     *
     * @return the text
     */
    @Override
    public String toString() {
        StringBuilder text = new StringBuilder(16);
        String letters = "rwxrwxrwx";
        for (int i = 0; i < 9; i++) {
            text.append((bits & (1 << (8 - i))) != 0 ? letters.charAt(i) : '-');
        }
        return text.append(" (").append(toOctalString()).append(')').toString();
    }
}
