// Runs the official TypeScript SDK (@alibaba-group/opensandbox, pinned in package.json) against the standalone
// testkit server named by OPEN_SANDBOX_DOMAIN (127.0.0.1:PORT) with the key OPEN_SANDBOX_API_KEY.
// Every step asserts on results; the last line is "# steps: N passed, M failed" (TypeScriptSdkScenarioIT reads it).
// Where the SDK itself is wrong, the step says so and asserts what the real server does.
import assert from "node:assert/strict";
import {
  ConnectionConfig,
  Sandbox,
  SandboxApiException,
  SandboxManager,
} from "@alibaba-group/opensandbox";

const domain = process.env.OPEN_SANDBOX_DOMAIN;
const apiKey = process.env.OPEN_SANDBOX_API_KEY;
assert.ok(domain && domain.startsWith("127.0.0.1:"), "OPEN_SANDBOX_DOMAIN must be a loopback address");

// disableMetrics: 0.1.11 posts a create-latency event to {lifecycle}/metrics/events, a route the lifecycle
// server does not have; it would only add a 404 per create.
const connection = () =>
  new ConnectionConfig({ domain, apiKey, protocol: "http", requestTimeoutSeconds: 60, disableMetrics: true });
const tag = `ts-${process.pid}`;
const created = [];

let passed = 0;
let failed = 0;
async function step(name, fn) {
  try {
    await fn();
    passed++;
    console.log(`ok - ${name}`);
  } catch (e) {
    failed++;
    console.log(`not ok - ${name}: ${e && e.stack ? e.stack : e}`);
  }
}

async function apiError(promise) {
  try {
    await promise;
  } catch (e) {
    return e;
  }
  assert.fail("expected the call to fail");
}

async function until(what, probe, attempts = 100) {
  for (let i = 0; i < attempts; i++) {
    if (await probe()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`timed out waiting for ${what}`);
}

const texts = (messages) => messages.map((m) => m.text);
const manager = SandboxManager.create({ connectionConfig: connection() });
let sandbox;
let snapshotId;

await step("lifecycle: create waits for execd and reports Running with metadata and the requested expiry", async () => {
  const before = Date.now();
  sandbox = await Sandbox.create({
    connectionConfig: connection(),
    image: "ubuntu:24.04",
    metadata: { team: tag, role: "main" },
    env: { GREETING: "hello-env" },
    timeoutSeconds: 300,
    readyTimeoutSeconds: 60,
  });
  created.push(sandbox);
  const info = await sandbox.getInfo();
  assert.equal(info.id, sandbox.id);
  assert.equal(info.status.state, "Running");
  assert.deepEqual(info.metadata, { team: tag, role: "main" });
  assert.deepEqual(info.entrypoint, ["tail", "-f", "/dev/null"]);
  const expires = new Date(info.expiresAt).getTime();
  assert.ok(expires >= before + 295_000 && expires <= Date.now() + 305_000, `expiresAt ${info.expiresAt}`);
  assert.equal(await sandbox.isHealthy(), true);
});

await step("lifecycle: timeoutSeconds null omits timeout and the server treats it as manual cleanup", async () => {
  const manual = await Sandbox.create({
    connectionConfig: connection(),
    image: "ubuntu:24.04",
    metadata: { team: tag, role: "manual" },
    timeoutSeconds: null,
    skipHealthCheck: true,
  });
  created.push(manual);
  const info = await manager.getSandboxInfo(manual.id);
  assert.equal(info.expiresAt ?? null, null, "a sandbox without timeout never expires");
});

await step("lifecycle: endpoints have no scheme, signed endpoints differ, getEndpointUrl adds the protocol", async () => {
  const ep = await sandbox.getEndpoint(44772);
  assert.ok(!ep.endpoint.includes("://"), ep.endpoint);
  assert.ok(ep.endpoint.startsWith(domain), ep.endpoint);
  assert.ok(ep.endpoint.includes(sandbox.id), ep.endpoint);
  assert.equal(await sandbox.getEndpointUrl(44772), `http://${ep.endpoint}`);
  const signed = await sandbox.getSignedEndpoint(44772, Math.floor(Date.now() / 1000) + 600);
  assert.notEqual(signed.endpoint, ep.endpoint);
  const egress = await sandbox.getEndpoint(18080);
  assert.ok(egress.headers && Object.keys(egress.headers).length > 0, "the egress endpoint carries its auth header");
});

await step("lifecycle: patchMetadata merges and null deletes", async () => {
  const info = await sandbox.patchMetadata({ stage: "two", role: null });
  assert.deepEqual(info.metadata, { team: tag, stage: "two" });
  const again = await sandbox.getInfo();
  assert.deepEqual(again.metadata, { team: tag, stage: "two" });
});

await step("lifecycle: renew sets a new expiry that getInfo and the manager's renew agree with", async () => {
  const renewed = await sandbox.renew(3600);
  const at = new Date(renewed.expiresAt).getTime();
  assert.ok(Math.abs(at - (Date.now() + 3_600_000)) < 10_000, renewed.expiresAt);
  assert.equal(new Date((await sandbox.getInfo()).expiresAt).getTime(), at);
  await manager.renewSandbox(sandbox.id, 7200);
  const later = new Date((await sandbox.getInfo()).expiresAt).getTime();
  assert.ok(later > at + 3_000_000, "the manager's renew moved the expiry");
});

await step("lifecycle: pause reaches Paused, resume returns a working sandbox", async () => {
  await sandbox.pause();
  await until("Paused", async () => (await sandbox.getInfo()).status.state === "Paused");
  const resumed = await sandbox.resume({ readyTimeoutSeconds: 60 });
  assert.equal(resumed.id, sandbox.id);
  assert.equal((await resumed.getInfo()).status.state, "Running");
  assert.deepEqual(texts((await resumed.commands.run("echo back")).logs.stdout), ["back"]);
  await manager.pauseSandbox(sandbox.id);
  await until("Paused again", async () => (await manager.getSandboxInfo(sandbox.id)).status.state === "Paused");
  await manager.resumeSandbox(sandbox.id);
  await until("Running again", async () => (await manager.getSandboxInfo(sandbox.id)).status.state === "Running");
  const reconnected = await Sandbox.connect({ sandboxId: sandbox.id, connectionConfig: connection() });
  assert.equal(await reconnected.isHealthy(), true);
});

await step("lifecycle: pausing a paused sandbox is a 409 from the server", async () => {
  await manager.pauseSandbox(sandbox.id);
  await until("Paused", async () => (await manager.getSandboxInfo(sandbox.id)).status.state === "Paused");
  const e = await apiError(manager.pauseSandbox(sandbox.id));
  assert.ok(e instanceof SandboxApiException, String(e));
  assert.equal(e.statusCode, 409);
  sandbox = await Sandbox.resume({ sandboxId: sandbox.id, connectionConfig: connection() });
  created.push(sandbox);
});

await step("listing: state and metadata filters, pages", async () => {
  const all = await manager.listSandboxInfos({ metadata: { team: tag } });
  assert.equal(all.items.length, 2);
  assert.equal(all.pagination.totalItems, 2);
  const running = await manager.listSandboxInfos({ states: ["Running"], metadata: { team: tag, stage: "two" } });
  assert.deepEqual(running.items.map((i) => i.id), [sandbox.id]);
  const first = await manager.listSandboxInfos({ metadata: { team: tag }, page: 1, pageSize: 1 });
  const second = await manager.listSandboxInfos({ metadata: { team: tag }, page: 2, pageSize: 1 });
  assert.equal(first.items.length, 1);
  assert.equal(second.items.length, 1);
  assert.notEqual(first.items[0].id, second.items[0].id);
  assert.equal(first.pagination.totalPages, 2);
  assert.equal(first.pagination.hasNextPage, true);
  assert.equal(second.pagination.hasNextPage, false);
  const none = await manager.listSandboxInfos({ states: ["Paused"], metadata: { team: tag } });
  assert.equal(none.items.length, 0);
});

await step("commands: foreground run collects stdout, stderr, the id and exit code 0", async () => {
  const run = await sandbox.commands.run("echo one; echo two; echo oops >&2; echo $GREETING");
  assert.deepEqual(texts(run.logs.stdout), ["one", "two", "hello-env"]);
  assert.deepEqual(texts(run.logs.stderr), ["oops"]);
  assert.ok(run.id, "the init event carries the command id");
  assert.equal(run.error, undefined);
  assert.ok(run.complete, "execution_complete arrived");
  assert.equal(run.exitCode, 0);
});

await step("commands: output streams to handlers and through runStream as it is produced", async () => {
  const seen = [];
  const run = await sandbox.commands.run("echo a; sleep 0.3; echo b", {}, {
    onStdout: (m) => seen.push(["stdout", m.text, Date.now()]),
    onExecutionComplete: () => seen.push(["complete", "", Date.now()]),
  });
  assert.deepEqual(seen.map((s) => s.slice(0, 2)), [["stdout", "a"], ["stdout", "b"], ["complete", ""]]);
  assert.ok(seen[1][2] - seen[0][2] >= 200, "the first line arrived before the sleep ended");
  assert.equal(run.exitCode, 0);
  const types = [];
  for await (const ev of sandbox.commands.runStream("echo x; echo y")) {
    types.push(ev.type === "stdout" ? `stdout:${ev.text}` : ev.type);
  }
  assert.deepEqual(types.filter((t) => t !== "ping"), ["init", "stdout:x", "stdout:y", "execution_complete"]);
});

await step("commands: a failing command is an error event with the exit code and no completion", async () => {
  const run = await sandbox.commands.run("echo before; exit 7");
  assert.deepEqual(texts(run.logs.stdout), ["before"]);
  assert.equal(run.error.name, "CommandExecError");
  assert.equal(run.error.value, "7");
  assert.equal(run.complete, undefined);
  assert.equal(run.exitCode, 7);
});

await step("commands: working directory, envs and a timeout that stops the command", async () => {
  await sandbox.files.createDirectories([{ path: "/work/dir", mode: 755 }]);
  const cwd = await sandbox.commands.run("pwd; echo $A", { workingDirectory: "/work/dir", envs: { A: "b" } });
  assert.deepEqual(texts(cwd.logs.stdout), ["/work/dir", "b"]);
  const started = Date.now();
  const slow = await sandbox.commands.run("echo start; sleep 30; echo never", { timeoutSeconds: 1 });
  assert.ok(Date.now() - started < 20_000, "the timeout ended the command");
  assert.deepEqual(texts(slow.logs.stdout), ["start"]);
  assert.notEqual(slow.exitCode, 0);
  const bad = await apiError(sandbox.commands.run("true", { workingDirectory: "/no/such/dir" }));
  assert.ok(bad instanceof SandboxApiException, String(bad));
  assert.equal(bad.statusCode, 400);
});

await step("commands: background run, status until finished, logs with a cursor", async () => {
  const run = await sandbox.commands.run("echo l1; echo l2; sleep 0.3; echo l3", { background: true });
  assert.ok(run.id);
  assert.equal(run.exitCode ?? null, null, "a background command has no exit code yet");
  await until("background command finished", async () => !(await sandbox.commands.getCommandStatus(run.id)).running);
  const status = await sandbox.commands.getCommandStatus(run.id);
  assert.equal(status.id, run.id);
  assert.equal(status.exitCode, 0);
  assert.ok(status.startedAt instanceof Date);
  const logs = await sandbox.commands.getBackgroundCommandLogs(run.id);
  assert.deepEqual(logs.content.split("\n").filter((l) => l), ["l1", "l2", "l3"]);
  assert.equal(logs.cursor, 3);
  const rest = await sandbox.commands.getBackgroundCommandLogs(run.id, logs.cursor);
  assert.equal(rest.content, "");
  assert.equal(rest.cursor, 3);
  const missing = await apiError(sandbox.commands.getCommandStatus("no-such-command"));
  assert.equal(missing.statusCode, 404);
  assert.equal(missing.error.code, "INVALID_REQUEST_BODY", "execd's code for an unknown command id");
  const finished = await apiError(sandbox.commands.interrupt(run.id));
  assert.equal(finished.statusCode, 500, "interrupting a finished command is a runtime error in execd");
});

await step("commands: interrupt stops a running command", async () => {
  let id;
  const started = Date.now();
  const running = sandbox.commands.run("echo go; sleep 30", {}, {
    onInit: (init) => {
      id = init.id;
    },
  });
  await until("init event", async () => id !== undefined);
  await sandbox.commands.interrupt(id);
  const run = await running;
  assert.ok(Date.now() - started < 20_000);
  assert.deepEqual(texts(run.logs.stdout), ["go"]);
  assert.ok((run.error !== undefined) !== (run.complete !== undefined), "ends with error xor complete");
});

await step("commands: bash sessions keep cwd and env across runs, report exit codes, and are deleted", async () => {
  const session = await sandbox.commands.createSession({ workingDirectory: "/tmp" });
  assert.ok(session);
  const first = await sandbox.commands.runInSession(session, "pwd; export KEEP=kept; cd /work");
  assert.deepEqual(texts(first.logs.stdout), ["/tmp"]);
  const second = await sandbox.commands.runInSession(session, "pwd; echo $KEEP");
  assert.deepEqual(texts(second.logs.stdout), ["/work", "kept"]);
  const other = await sandbox.commands.runInSession(session, "pwd", { workingDirectory: "/work/dir" });
  assert.deepEqual(texts(other.logs.stdout), ["/work/dir"]);
  const failing = await sandbox.commands.runInSession(session, "false");
  assert.equal(failing.error.value, "1");
  assert.equal(failing.exitCode, 1);
  await sandbox.commands.deleteSession(session);
  // execd: a run in an unknown session is 500 RUNTIME_ERROR, deleting one is 404 CONTEXT_NOT_FOUND
  const gone = await apiError(sandbox.commands.runInSession(session, "true"));
  assert.equal(gone.statusCode, 500);
  assert.equal(gone.error.code, "RUNTIME_ERROR");
  const again = await apiError(sandbox.commands.deleteSession(session));
  assert.equal(again.statusCode, 404);
  assert.equal(again.error.code, "CONTEXT_NOT_FOUND");
});

await step("metrics: cpu and memory figures", async () => {
  const m = await sandbox.getMetrics();
  assert.ok(m.cpuCount >= 1, JSON.stringify(m));
  assert.ok(m.memoryTotalMiB > 0 && m.memoryUsedMiB > 0 && m.memoryUsedMiB <= m.memoryTotalMiB, JSON.stringify(m));
  assert.ok(m.cpuUsedPercentage >= 0);
  assert.ok(Math.abs(m.timestamp - Date.now()) < 60_000);
});

await step("files: write text and bytes with modes, read them back whole, ranged and streamed", async () => {
  await sandbox.files.writeFiles([
    { path: "/work/files/a.txt", data: "hello world", mode: 644 },
    { path: "/work/files/b.bin", data: new Uint8Array([0, 1, 2, 3, 254, 255]) },
  ]);
  assert.equal(await sandbox.files.readFile("/work/files/a.txt"), "hello world");
  assert.deepEqual([...(await sandbox.files.readBytes("/work/files/b.bin"))], [0, 1, 2, 3, 254, 255]);
  assert.equal(await sandbox.files.readFile("/work/files/a.txt", { range: "bytes=0-4" }), "hello");
  // SDK/server mismatch: 0.1.11 turns offset/limit into ?offset=&limit= query parameters, which execd's
  // GET /files/download does not read (it honours only the Range header): the real server sends the whole file.
  assert.equal(await sandbox.files.readFile("/work/files/a.txt", { offset: 6, limit: 5 }), "hello world");
  assert.deepEqual([...(await sandbox.files.readBytes("/work/files/b.bin", { range: "bytes=4-" }))], [254, 255]);
  const chunks = [];
  for await (const c of sandbox.files.readBytesStream("/work/files/a.txt")) chunks.push(Buffer.from(c));
  assert.equal(Buffer.concat(chunks).toString(), "hello world");
  const cat = await sandbox.commands.run("cat /work/files/a.txt");
  assert.deepEqual(texts(cat.logs.stdout), ["hello world"]);
});

await step("files: info, listing with depth, search, directories", async () => {
  const info = await sandbox.files.getFileInfo(["/work/files/a.txt"]);
  const a = info["/work/files/a.txt"];
  assert.equal(a.type, "file");
  assert.equal(a.size, 11);
  assert.equal(a.mode, 644);
  assert.ok(a.modifiedAt instanceof Date);
  await sandbox.files.createDirectories([{ path: "/work/files/sub/deeper", mode: 700 }]);
  const dirInfo = await sandbox.files.getFileInfo(["/work/files/sub/deeper"]);
  assert.equal(dirInfo["/work/files/sub/deeper"].type, "directory");
  assert.equal(dirInfo["/work/files/sub/deeper"].mode, 700);
  const shallow = await sandbox.files.listDirectory({ path: "/work/files", depth: 1 });
  assert.deepEqual(shallow.map((f) => f.path).sort(), ["/work/files/a.txt", "/work/files/b.bin", "/work/files/sub"]);
  const deep = await sandbox.files.listDirectory({ path: "/work/files", depth: 2 });
  assert.ok(deep.some((f) => f.path === "/work/files/sub/deeper"));
  const found = await sandbox.files.search({ path: "/work", pattern: "*.txt" });
  assert.deepEqual(found.map((f) => f.path), ["/work/files/a.txt"]);
  await sandbox.files.deleteDirectories(["/work/files/sub"]);
  const after = await sandbox.files.listDirectory({ path: "/work/files" });
  assert.ok(!after.some((f) => f.path === "/work/files/sub"));
});

await step("files: move, replace contents (plain and detailed), permissions, delete", async () => {
  await sandbox.files.moveFiles([{ src: "/work/files/a.txt", dest: "/work/files/moved.txt" }]);
  assert.equal(await sandbox.files.readFile("/work/files/moved.txt"), "hello world");
  await sandbox.files.replaceContents([{ path: "/work/files/moved.txt", oldContent: "world", newContent: "there" }]);
  assert.equal(await sandbox.files.readFile("/work/files/moved.txt"), "hello there");
  await sandbox.files.writeFiles([{ path: "/work/files/c.txt", data: "x-x-x" }]);
  const detailed = await sandbox.files.replaceContentsDetailed([
    { path: "/work/files/c.txt", oldContent: "x", newContent: "y" },
  ]);
  assert.deepEqual(detailed, [{ path: "/work/files/c.txt", replacedCount: 3 }]);
  assert.equal(await sandbox.files.readFile("/work/files/c.txt"), "y-y-y");
  await sandbox.files.setPermissions([{ path: "/work/files/c.txt", mode: 600 }]);
  assert.equal((await sandbox.files.getFileInfo(["/work/files/c.txt"]))["/work/files/c.txt"].mode, 600);
  await sandbox.files.deleteFiles(["/work/files/c.txt"]);
  const e = await apiError(sandbox.files.getFileInfo(["/work/files/c.txt"]));
  assert.equal(e.statusCode, 404);
});

await step("files: reading a missing file is 404 FILE_NOT_FOUND", async () => {
  const e = await apiError(sandbox.files.readFile("/work/none.txt"));
  assert.ok(e instanceof SandboxApiException, String(e));
  assert.equal(e.statusCode, 404);
  // 0.1.11 does not parse download error bodies (UNEXPECTED_RESPONSE); the server's body says FILE_NOT_FOUND
  assert.ok(JSON.stringify(e.rawBody ?? e.message).includes("FILE_NOT_FOUND") || e.error.code === "FILE_NOT_FOUND"
      || e.error.code === "UNEXPECTED_RESPONSE", `${e.error.code}: ${e.message}`);
});

let egressSandbox;
await step("egress: the create-time policy is reported, patched and rules deleted", async () => {
  egressSandbox = await Sandbox.create({
    connectionConfig: connection(),
    image: "ubuntu:24.04",
    metadata: { team: `${tag}-egress` },
    networkPolicy: { defaultAction: "allow", egress: [{ action: "deny", target: "blocked.example.com" }] },
    credentialProxy: { enabled: true },
  });
  created.push(egressSandbox);
  const policy = await egressSandbox.getEgressPolicy();
  assert.equal(policy.defaultAction, "allow");
  assert.deepEqual(policy.egress, [{ action: "deny", target: "blocked.example.com" }]);
  await egressSandbox.patchEgressRules([
    { action: "allow", target: "pypi.org" },
    { action: "allow", target: "blocked.example.com" },
  ]);
  const patched = await egressSandbox.getEgressPolicy();
  assert.equal(patched.defaultAction, "allow", "a patch keeps the default action");
  const byTarget = Object.fromEntries(patched.egress.map((r) => [r.target, r.action]));
  assert.deepEqual(byTarget, { "blocked.example.com": "allow", "pypi.org": "allow" });
  await egressSandbox.deleteEgressRules(["pypi.org"]);
  assert.deepEqual((await egressSandbox.getEgressPolicy()).egress, [{ action: "allow", target: "blocked.example.com" }]);
});

await step("credential vault: create, get, list, get one, patch with revisions, conflicts, delete", async () => {
  const vault = egressSandbox.credentialVault;
  // the sidecar demands an explicit allow rule for every binding host (vault.go validateBindingPolicy)
  const uncovered = await apiError(vault.create({
    credentials: [{ name: "gh", source: { value: "secret-value-1" } }],
    bindings: [{ name: "github", match: { hosts: ["api.github.com"] }, auth: { type: "bearer", credential: "gh" } }],
  }));
  assert.equal(uncovered.statusCode, 400);
  await egressSandbox.patchEgressRules([
    { action: "allow", target: "api.github.com" },
    { action: "allow", target: "*.example.com" },
  ]);
  const state = await vault.create({
    credentials: [{ name: "gh", source: { type: "inline", value: "secret-value-1" } }],
    bindings: [{ name: "github", match: { hosts: ["api.github.com"] }, auth: { type: "bearer", credential: "gh" } }],
  });
  assert.equal(state.revision, 1);
  assert.deepEqual(state.credentials.map((c) => [c.name, c.sourceType]), [["gh", "inline"]]);
  assert.ok(!JSON.stringify(state).includes("secret-value-1"), "the secret never comes back");
  const again = await vault.get();
  assert.equal(again.revision, 1);
  assert.equal(again.bindings[0].auth.type, "bearer");
  assert.deepEqual((await vault.listCredentials()).map((c) => c.name), ["gh"]);
  assert.equal((await vault.getCredential("gh")).sourceType, "inline");
  assert.deepEqual((await vault.listBindings()).map((b) => b.name), ["github"]);
  assert.deepEqual((await vault.getBinding("github")).match.hosts, ["api.github.com"]);
  const exists = await apiError(vault.create({ credentials: [], bindings: [] }));
  assert.equal(exists.statusCode, 409);
  const patched = await vault.patch({
    expectedRevision: 1,
    credentials: { add: [{ name: "key", source: { value: "secret-value-2" } }] },
    bindings: {
      add: [{ name: "api", match: { hosts: ["*.example.com"] }, auth: { type: "apiKey", name: "X-Key", credential: "key" } }],
    },
  });
  assert.equal(patched.revision, 2);
  assert.deepEqual(patched.credentials.map((c) => c.name).sort(), ["gh", "key"]);
  const stale = await apiError(vault.patch({ expectedRevision: 1, bindings: { delete: ["api"] } }));
  assert.equal(stale.statusCode, 409);
  const dropsACoveredHost = await apiError(egressSandbox.deleteEgressRules(["api.github.com"]));
  assert.equal(dropsACoveredHost.statusCode, 400, "the policy may not drop a host a binding relies on");
  const missing = await apiError(vault.getCredential("nope"));
  assert.equal(missing.statusCode, 404);
  await vault.delete();
  const gone = await apiError(vault.get());
  assert.equal(gone.statusCode, 404);
});

await step("snapshots: create, wait until Ready, list, restore into a new sandbox, delete", async () => {
  await sandbox.files.writeFiles([{ path: "/work/snap/state.txt", data: "kept in the snapshot" }]);
  const snap = await manager.createSnapshot(sandbox.id, { name: `${tag}-snap` });
  snapshotId = snap.id;
  assert.equal(snap.sandboxId, sandbox.id);
  await until("snapshot Ready", async () => (await manager.getSnapshot(snapshotId)).status.state === "Ready");
  const listed = await manager.listSnapshots({ sandboxId: sandbox.id });
  assert.deepEqual(listed.items.map((s) => s.id), [snapshotId]);
  assert.equal(listed.items[0].name, `${tag}-snap`);
  const restored = await Sandbox.create({ connectionConfig: connection(), snapshotId, metadata: { team: `${tag}-snap` } });
  created.push(restored);
  assert.equal(await restored.files.readFile("/work/snap/state.txt"), "kept in the snapshot");
  assert.equal((await restored.getInfo()).snapshotId, snapshotId);
  await manager.deleteSnapshot(snapshotId);
  const gone = await apiError(manager.getSnapshot(snapshotId));
  assert.equal(gone.statusCode, 404);
});

await step("errors: unknown sandbox is 404 with the server's code and a request id; bad input is 4xx", async () => {
  const e = await apiError(manager.getSandboxInfo("00000000-0000-0000-0000-000000000000"));
  assert.ok(e instanceof SandboxApiException, String(e));
  assert.equal(e.statusCode, 404);
  assert.equal(e.error.code, "DOCKER::SANDBOX_NOT_FOUND", "the Docker runtime's code");
  assert.ok(e.requestId, "X-Request-ID is read from the response");
  const connect = await apiError(Sandbox.connect({ sandboxId: "00000000-0000-0000-0000-000000000000", connectionConfig: connection() }));
  assert.equal(connect.statusCode, 404);
  const short = await apiError(Sandbox.create({ connectionConfig: connection(), image: "ubuntu:24.04", timeoutSeconds: 5 }));
  assert.ok(short.statusCode === 400 || short.statusCode === 422, `status ${short.statusCode}`);
  const past = await apiError(sandbox.renew(-60));
  assert.ok(past.statusCode === 400 || past.statusCode === 422, `status ${past.statusCode}`);
});

await step("errors: a wrong API key is 401 INVALID_API_KEY", async () => {
  const wrong = SandboxManager.create({
    connectionConfig: new ConnectionConfig({ domain, apiKey: "wrong-key", protocol: "http", disableMetrics: true }),
  });
  const e = await apiError(wrong.listSandboxInfos({}));
  assert.equal(e.statusCode, 401);
  assert.equal(e.error.code, "INVALID_API_KEY");
  await wrong.close();
});

await step("lifecycle: kill removes every sandbox this scenario made", async () => {
  for (const s of created) {
    await manager.killSandbox(s.id).catch((e) => {
      if (e.statusCode !== 404) throw e;
    });
  }
  for (const s of created) {
    try {
      const info = await manager.getSandboxInfo(s.id);
      assert.ok(["Stopping", "Terminated"].includes(info.status.state), info.status.state);
    } catch (e) {
      assert.equal(e.statusCode, 404, String(e));
    }
  }
  const left = await manager.listSandboxInfos({ metadata: { team: tag } });
  assert.equal(left.items.filter((i) => i.status.state === "Running").length, 0);
  for (const s of created) await s.close();
  await manager.close();
});

console.log(`# steps: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
