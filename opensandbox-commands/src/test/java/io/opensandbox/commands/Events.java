package io.opensandbox.commands;

/** execd event lines, as execd writes them: the JSON object and a blank line. */
final class Events {
    private Events() {}

    static String init(String id) {
        return "{\"type\":\"init\",\"text\":\"" + id + "\",\"timestamp\":1700000000000}\n\n";
    }

    static String stdout(String text) {
        return "{\"type\":\"stdout\",\"text\":\"" + text + "\",\"timestamp\":1700000000001}\n\n";
    }

    static String stderr(String text) {
        return "{\"type\":\"stderr\",\"text\":\"" + text + "\",\"timestamp\":1700000000002}\n\n";
    }

    static String ping() {
        return "{\"type\":\"ping\",\"text\":\"pong\",\"timestamp\":1700000000003}\n\n";
    }

    static String complete(long millis) {
        return "{\"type\":\"execution_complete\",\"execution_time\":" + millis + ",\"timestamp\":1700000000004}\n\n";
    }

    static String error(String value) {
        return "{\"type\":\"error\",\"error\":{\"ename\":\"CommandExecError\",\"evalue\":\"" + value
                + "\",\"traceback\":[\"exit status " + value + "\"]},\"timestamp\":1700000000005}\n\n";
    }
}
