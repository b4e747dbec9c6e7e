package io.opensandbox.lifecycle;

import io.opensandbox.api.InvalidArgumentException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Storage mounted into a sandbox: a name, a mount path, and exactly one backend (host path, persistent volume
 * claim or OSS bucket). Checked when built, before any request.
 */
public final class Volume {
    private static final Pattern DNS_LABEL = Pattern.compile("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$");
    private static final Pattern HOST_PATH = Pattern.compile("^(/|[A-Za-z]:[\\\\/]).*");
    private static final Pattern QUANTITY = Pattern.compile("^\\d+(\\.\\d+)?(Ki|Mi|Gi|Ti|Pi|Ei)?$");

    private final String name;
    private final String mountPath;
    private final boolean readOnly;
    private final @Nullable String subPath;
    private final Backend backend;

    private Volume(String name, String mountPath, boolean readOnly, @Nullable String subPath, Backend backend) {
        this.name = name;
        this.mountPath = mountPath;
        this.readOnly = readOnly;
        this.subPath = subPath;
        this.backend = backend;
    }

    /**
     * Starts a volume.
     *
     * @param name a DNS label, unique within the sandbox
     * @param mountPath the absolute path inside the sandbox
     * @return a builder
     */
    public static Builder builder(String name, String mountPath) {
        return new Builder(name, mountPath);
    }

    /**
     * The volume's name.
     *
     * @return the name
     */
    public String name() {
        return name;
    }

    /**
     * Where it is mounted inside the sandbox.
     *
     * @return the mount path
     */
    public String mountPath() {
        return mountPath;
    }

    /**
     * Whether it is mounted read-only.
     *
     * @return whether read-only
     */
    public boolean readOnly() {
        return readOnly;
    }

    /**
     * The sub-path of the backend that is mounted.
     *
     * @return the sub-path, if set
     */
    public Optional<String> subPath() {
        return Optional.ofNullable(subPath);
    }

    /**
     * The storage behind the volume.
     *
     * @return the backend
     */
    public Backend backend() {
        return backend;
    }

    @Override
    public String toString() {
        return "Volume{" + name + " at " + mountPath + (readOnly ? " (read-only)" : "") + ", " + backend + "}";
    }

    /** The storage behind a volume: exactly one of these. */
    public sealed interface Backend permits Host, Pvc, Ossfs {}

    /**
     * A directory of the host, bind-mounted.
     *
     * @param path the absolute host path
     */
    public record Host(String path) implements Backend {
        /**
         * Checks the path.
         *
         * @param path the absolute host path
         */
        public Host {
            Objects.requireNonNull(path, "path");
            if (!HOST_PATH.matcher(path).matches()) {
                throw new InvalidArgumentException("host volume path must be absolute: '" + path + "'", null);
            }
        }
    }

    /**
     * A persistent volume claim (a named Docker volume on Docker).
     *
     * @param claimName the claim name, a DNS subdomain
     * @param createIfNotExists create the volume when missing (server default true)
     * @param deleteOnSandboxTermination delete the volume with the sandbox (server default false)
     * @param storageClass the storage class, or {@code null} for the default
     * @param storage the size such as {@code 1Gi}, or {@code null} for the default
     * @param accessModes the access modes, empty for the default
     */
    public record Pvc(
            String claimName,
            boolean createIfNotExists,
            boolean deleteOnSandboxTermination,
            @Nullable String storageClass,
            @Nullable String storage,
            List<String> accessModes)
            implements Backend {
        /**
         * Checks the components.
         *
         * @param claimName the claim name, a DNS subdomain
         * @param createIfNotExists create the volume when missing (server default true)
         * @param deleteOnSandboxTermination delete the volume with the sandbox (server default false)
         * @param storageClass the storage class, or {@code null} for the default
         * @param storage the size such as {@code 1Gi}, or {@code null} for the default
         * @param accessModes the access modes, empty for the default
         */
        public Pvc {
            Objects.requireNonNull(claimName, "claimName");
            if (claimName.length() > 253 || !DNS_LABEL.matcher(claimName).matches()) {
                throw new InvalidArgumentException(
                        "pvc claimName must be a lower-case DNS name of at most 253 characters: '" + claimName + "'",
                        null);
            }
            if (storage != null && !QUANTITY.matcher(storage).matches()) {
                throw new InvalidArgumentException("pvc storage must look like 10Gi: '" + storage + "'", null);
            }
            accessModes = List.copyOf(accessModes);
        }

        /**
         * A claim with the server's defaults.
         *
         * @param claimName the claim name
         * @return the backend
         */
        public static Pvc of(String claimName) {
            return new Pvc(claimName, true, false, null, null, List.of());
        }
    }

    /**
     * An Alibaba Cloud OSS bucket mounted with ossfs. The secret never appears in {@link #toString()}.
     *
     * @param bucket the bucket
     * @param endpoint the OSS endpoint
     * @param version {@code 1.0} or {@code 2.0}
     * @param options extra mount options
     * @param accessKeyId the access key id
     * @param accessKeySecret the access key secret
     */
    public record Ossfs(
            String bucket,
            String endpoint,
            String version,
            List<String> options,
            String accessKeyId,
            String accessKeySecret)
            implements Backend {
        /**
         * Checks the components.
         *
         * @param bucket the bucket
         * @param endpoint the OSS endpoint
         * @param version {@code 1.0} or {@code 2.0}
         * @param options extra mount options
         * @param accessKeyId the access key id
         * @param accessKeySecret the access key secret
         */
        public Ossfs {
            for (String value : new String[] {bucket, endpoint, version, accessKeyId, accessKeySecret}) {
                if (value == null || value.isBlank()) {
                    throw new InvalidArgumentException(
                            "ossfs bucket, endpoint, version, accessKeyId and accessKeySecret are required", null);
                }
            }
            if (!version.equals("1.0") && !version.equals("2.0")) {
                throw new InvalidArgumentException("ossfs version must be 1.0 or 2.0, not " + version, null);
            }
            options = List.copyOf(options);
        }

        @Override
        public String toString() {
            return "Ossfs[bucket=" + bucket + ", endpoint=" + endpoint + ", version=" + version + ", accessKeyId="
                    + accessKeyId + ", accessKeySecret=<redacted>]";
        }
    }

    /** Builds a {@link Volume}. */
    public static final class Builder {
        private final String name;
        private final String mountPath;
        private boolean readOnly;
        private @Nullable String subPath;
        private @Nullable Backend backend;

        private Builder(String name, String mountPath) {
            this.name = Objects.requireNonNull(name, "name");
            this.mountPath = Objects.requireNonNull(mountPath, "mountPath");
        }

        /**
         * Mounts read-only (default read-write).
         *
         * @param readOnly whether read-only
         * @return this builder
         */
        public Builder readOnly(boolean readOnly) {
            this.readOnly = readOnly;
            return this;
        }

        /**
         * Mounts only a sub-path of the backend.
         *
         * @param subPath the relative sub-path
         * @return this builder
         */
        public Builder subPath(String subPath) {
            this.subPath = Objects.requireNonNull(subPath, "subPath");
            return this;
        }

        /**
         * Uses a host directory.
         *
         * @param path the absolute host path
         * @return this builder
         */
        public Builder host(String path) {
            return backend(new Host(path));
        }

        /**
         * Uses a persistent volume claim with the server's defaults.
         *
         * @param claimName the claim name
         * @return this builder
         */
        public Builder pvc(String claimName) {
            return backend(Pvc.of(claimName));
        }

        /**
         * Uses a backend.
         *
         * @param backend the backend
         * @return this builder
         * @throws InvalidArgumentException if a backend was already set
         */
        public Builder backend(Backend backend) {
            Objects.requireNonNull(backend, "backend");
            if (this.backend != null) {
                throw new InvalidArgumentException(
                        "volume '" + name + "' has two backends; a volume takes exactly one of host, pvc, ossfs", null);
            }
            this.backend = backend;
            return this;
        }

        /**
         * Checks and builds the volume.
         *
         * @return the volume
         * @throws InvalidArgumentException if the name, mount path or backend is invalid
         */
        public Volume build() {
            if (name.length() > 63 || !DNS_LABEL.matcher(name).matches()) {
                throw new InvalidArgumentException(
                        "volume name must be a lower-case DNS label of at most 63 characters: '" + name + "'", null);
            }
            if (!mountPath.startsWith("/")) {
                throw new InvalidArgumentException(
                        "volume mountPath must be absolute (start with '/'): '" + mountPath + "'", null);
            }
            Backend chosen = backend;
            if (chosen == null) {
                throw new InvalidArgumentException(
                        "volume '" + name + "' has no backend; set exactly one of host, pvc, ossfs", null);
            }
            return new Volume(name, mountPath, readOnly, subPath, chosen);
        }
    }
}
