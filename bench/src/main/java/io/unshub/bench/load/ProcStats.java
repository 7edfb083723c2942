package io.unshub.bench.load;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Reads a process's CPU time and resident memory from Linux procfs. CPU time is the sum of utime and stime from
 * {@code /proc/<pid>/stat}, counted in clock ticks of {@code getconf CLK_TCK} (usually 100 per second, so a sample is
 * only accurate to 10 ms: measured phases should last seconds, not milliseconds).
 */
public final class ProcStats {

    private static final long DEFAULT_CLOCK_TICKS_PER_SECOND = 100;

    private final long pid;
    private final long clockTicksPerSecond;

    public ProcStats(long pid, long clockTicksPerSecond) {
        this.pid = pid;
        this.clockTicksPerSecond = clockTicksPerSecond;
    }

    static ProcStats ofCurrentProcess(long clockTicksPerSecond) {
        return new ProcStats(ProcessHandle.current().pid(), clockTicksPerSecond);
    }

    long pid() {
        return pid;
    }

    boolean isAlive() {
        return Files.exists(Path.of("/proc", Long.toString(pid), "stat"));
    }

    /** utime + stime of the process (all threads, not counting waited-for children), in seconds. */
    public double cpuSeconds() {
        String stat = read("stat");
        // Field 2 (comm) is parenthesised and may contain spaces or ')', so count fields after its last ')'.
        String[] fieldsFromState = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" +");
        // fieldsFromState[0] is field 3 (state); utime and stime are fields 14 and 15.
        long utimeTicks = Long.parseLong(fieldsFromState[14 - 3]);
        long stimeTicks = Long.parseLong(fieldsFromState[15 - 3]);
        return (double) (utimeTicks + stimeTicks) / clockTicksPerSecond;
    }

    /** VmRSS from /proc/&lt;pid&gt;/status in KiB. */
    long residentKib() {
        return statusFieldKib("VmRSS:");
    }

    /** VmHWM (peak resident set) from /proc/&lt;pid&gt;/status in KiB. */
    long peakResidentKib() {
        return statusFieldKib("VmHWM:");
    }

    private long statusFieldKib(String fieldName) {
        for (String line : read("status").split("\n")) {
            if (line.startsWith(fieldName)) {
                // Format: "VmRSS:\t   12345 kB"
                return Long.parseLong(line.substring(fieldName.length()).trim().split("\\s+")[0]);
            }
        }
        throw new IllegalStateException(fieldName + " missing from /proc/" + pid + "/status");
    }

    private String read(String file) {
        Path path = Path.of("/proc", Long.toString(pid), file);
        try {
            return Files.readString(path, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            throw new IllegalStateException("process " + pid + " is gone (no " + path + ")", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * CPU seconds the whole machine spent busy (user, nice, system, irq, softirq and hypervisor steal, summed over all
     * cores) according to the first line of /proc/stat.
     */
    static double machineBusyCpuSeconds(long clockTicksPerSecond) {
        String firstLine;
        try {
            firstLine = Files.readAllLines(Path.of("/proc/stat"), StandardCharsets.US_ASCII).get(0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // "cpu  user nice system idle iowait irq softirq steal guest guest_nice"; guest time is already in user.
        String[] fields = firstLine.trim().split(" +");
        long busyTicks = 0;
        for (int field : new int[] {1, 2, 3, 6, 7, 8}) {
            busyTicks += Long.parseLong(fields[field]);
        }
        return (double) busyTicks / clockTicksPerSecond;
    }

    /** Asks {@code getconf CLK_TCK}; falls back to 100, the value on every mainstream Linux build. */
    public static long clockTicksPerSecond() {
        try {
            Process getconf = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String output = new String(getconf.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            if (getconf.waitFor(5, TimeUnit.SECONDS) && getconf.exitValue() == 0) {
                return Long.parseLong(output);
            }
        } catch (IOException | NumberFormatException e) {
            // fall through to the default
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return DEFAULT_CLOCK_TICKS_PER_SECOND;
    }
}
