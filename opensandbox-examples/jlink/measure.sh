#!/usr/bin/env bash
# Time to first successful request: the jlink images against full-JDK runs (JLINK.md).
#
# Build the images first, from the repository root:
#   mvn -B -q -pl opensandbox-examples -am package -DskipTests -Djlink=jdk
#   mvn -B -q -pl opensandbox-examples -am package -DskipTests -Djlink=hc5
# Needs python3 (jlink/interleaved.py times the runs round-robin).
# Usage: opensandbox-examples/jlink/measure.sh [runs, default 20] [port, default 18765]
set -euo pipefail

runs="${1:-20}"
port="${2:-18765}"
root="$(cd "$(dirname "$0")/../.." && pwd)"
target="$root/opensandbox-examples/target"
jl="$target/jlink"
app="$(ls "$target"/opensandbox-examples-*.jar | head -n1)"
server_jar="$(ls "$root"/opensandbox-testkit/target/opensandbox-testkit-*-server.jar | head -n1)"
jdk="${JAVA_HOME:-/usr/lib/jvm/java-17-openjdk-amd64}"
main="io.opensandbox.examples/io.opensandbox.examples.TimeToFirstRequest"
log="-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"
hc5_path="$app:$jl/hc5/named:$jl/hc5/automatic"

for f in "$jl/jdk/image/bin/java" "$jl/hc5/image/bin/java" "$jl/hc5/app-image/bin/java" "$server_jar"; do
    [[ -e "$f" ]] || { echo "missing $f: build the images first (see the top of this script)" >&2; exit 1; }
done

# The standalone testkit server, in its own JVM, so that its startup is not in the numbers. 127.0.0.1 only.
"$jdk/bin/java" -jar "$server_jar" --port "$port" > "$target/measure-server.log" 2>&1 &
server_pid=$!
trap 'kill "$server_pid" 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
    grep -q "listening" "$target/measure-server.log" 2>/dev/null && break
    sleep 0.1
done
export OPEN_SANDBOX_DOMAIN="127.0.0.1:$port"

echo "== sizes (du -sh)"
du -sh "$jl/jdk/image" "$jl/hc5/image" "$jl/hc5/app-image" "$jl/jdk/mods" "$jl/hc5/named" "$jl/hc5/automatic" "$jdk"

names=(
    "jlink image, JDK transport (jlink-jdk)"
    "full JDK 17, JDK transport"
    "jlink JDK-only image + all jars, HttpClient 5 (hc5/image)"
    "jlink app image + 4 HC5 jars, HttpClient 5 (hc5/app-image)"
    "full JDK 17, HttpClient 5 transport"
)
cmds=(
    "$jl/jdk/image/bin/java $log -m $main"
    "$jdk/bin/java $log --module-path=$app:$jl/jdk/mods -m $main"
    "$jl/hc5/image/bin/java $log --module-path=$hc5_path -m $main"
    "$jl/hc5/app-image/bin/java $log --module-path=$jl/hc5/automatic -m $main"
    "$jdk/bin/java $log --module-path=$hc5_path -m $main"
)

echo "== one run each; 'since JVM start' is measured in-process, to about 10 ms"
for c in "${cmds[@]}"; do $c; done

echo "== $runs interleaved runs each; load average before $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
args=()
for i in "${!cmds[@]}"; do args+=("${names[$i]}=${cmds[$i]}"); done
args+=("jlink image (jlink-jdk): java -version=$jl/jdk/image/bin/java -version")
args+=("full JDK 17: java -version=$jdk/bin/java -version")
python3 "$(dirname "$0")/interleaved.py" "$runs" 2 "${args[@]}" | tee "$target/measure.md"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
