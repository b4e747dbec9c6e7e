package io.opensandbox.lifecycle;

import io.opensandbox.api.EgressRule;
import io.opensandbox.api.InvalidArgumentException;
import io.opensandbox.api.NetworkPolicy;
import io.opensandbox.lifecycle.internal.Wire;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Checks a sandbox description and turns it into the create request's body. */
final class CreateRequests {
    private CreateRequests() {}

    static Wire.CreateSandboxRequest of(
            @Nullable ImageSpec image,
            @Nullable String snapshotId,
            @Nullable Duration timeout,
            @Nullable List<String> entrypoint,
            Map<String, String> resources,
            Map<String, String> env,
            Map<String, String> metadata,
            Map<String, String> extensions,
            @Nullable NetworkPolicy networkPolicy,
            @Nullable Boolean credentialProxy,
            boolean secureAccess,
            @Nullable Platform platform,
            List<Volume> volumes) {
        if ((image == null) == (snapshotId == null)) {
            throw new InvalidArgumentException(
                    "a sandbox starts from exactly one of an image or a snapshot id; "
                            + (image == null ? "set image(...) or snapshotId(...)" : "both were set"),
                    null);
        }
        if (Boolean.TRUE.equals(credentialProxy) && networkPolicy == null) {
            // the lifecycle server refuses it with a 422; the proxy only runs beside an egress sidecar
            throw new InvalidArgumentException(
                    "credentialProxy(true) needs a networkPolicy(...): the credential proxy runs in the egress"
                            + " sidecar, which a sandbox without a network policy does not have",
                    null);
        }
        Long seconds = null;
        if (timeout != null) {
            if (timeout.toNanosPart() != 0) {
                throw new InvalidArgumentException("a sandbox timeout is whole seconds, not " + timeout, null);
            }
            seconds = timeout.toSeconds();
        }
        Wire.ImageSpec wireImage = null;
        if (image != null) {
            wireImage = new Wire.ImageSpec(
                    image.uri(),
                    image.username().isPresent()
                            ? new Wire.ImageAuth(
                                    image.username().get(), image.password().orElse(""))
                            : null);
        }
        List<Wire.Volume> wireVolumes = new ArrayList<>();
        for (Volume volume : volumes) {
            wireVolumes.add(volume(volume));
        }
        return new Wire.CreateSandboxRequest(
                wireImage,
                snapshotId,
                platform == null ? null : new Wire.PlatformSpec(platform.os(), platform.arch()),
                seconds,
                resources,
                env.isEmpty() ? null : env,
                metadata.isEmpty() ? null : metadata,
                entrypoint != null ? entrypoint : Sandbox.DEFAULT_ENTRYPOINT,
                networkPolicy == null ? null : policy(networkPolicy),
                credentialProxy == null ? null : new Wire.CredentialProxy(credentialProxy),
                secureAccess ? Boolean.TRUE : null,
                wireVolumes.isEmpty() ? null : wireVolumes,
                extensions.isEmpty() ? null : extensions);
    }

    static Wire.NetworkPolicy policy(NetworkPolicy policy) {
        List<Wire.NetworkRule> rules = new ArrayList<>();
        for (EgressRule rule : policy.egress()) {
            rules.add(new Wire.NetworkRule(rule.action().wireValue(), rule.target()));
        }
        return new Wire.NetworkPolicy(policy.defaultAction().wireValue(), rules);
    }

    private static Wire.Volume volume(Volume volume) {
        Wire.Host host = null;
        Wire.Pvc pvc = null;
        Wire.Ossfs ossfs = null;
        Volume.Backend backend = volume.backend();
        if (backend instanceof Volume.Host h) {
            host = new Wire.Host(h.path());
        } else if (backend instanceof Volume.Pvc p) {
            pvc = new Wire.Pvc(
                    p.claimName(),
                    p.createIfNotExists(),
                    p.deleteOnSandboxTermination(),
                    p.storageClass(),
                    p.storage(),
                    p.accessModes().isEmpty() ? null : p.accessModes());
        } else if (backend instanceof Volume.Ossfs o) {
            ossfs = new Wire.Ossfs(
                    o.bucket(),
                    o.endpoint(),
                    o.version(),
                    o.options().isEmpty() ? null : o.options(),
                    o.accessKeyId(),
                    o.accessKeySecret());
        }
        return new Wire.Volume(
                volume.name(),
                volume.mountPath(),
                volume.readOnly() ? Boolean.TRUE : null,
                volume.subPath().orElse(null),
                host,
                pvc,
                ossfs);
    }
}
