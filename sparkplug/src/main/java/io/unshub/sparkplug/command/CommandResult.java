package io.unshub.sparkplug.command;

/**
 * The outcome of a write on a command topic, as answered to the writer.
 *
 * @param sent           whether an NCMD/DCMD went out
 * @param sparkplugTopic the NCMD/DCMD topic, or {@code null}
 * @param metric         the metric written
 * @param datatype       its birth datatype, or {@code null}
 * @param error          why nothing was sent, or {@code null}
 */
public record CommandResult(boolean sent, String sparkplugTopic, String metric, String datatype, String error) {

    public static CommandResult sent(String topic, String metric, String datatype) {
        return new CommandResult(true, topic, metric, datatype, null);
    }

    public static CommandResult failed(String metric, String error) {
        return new CommandResult(false, null, metric, null, error);
    }
}
