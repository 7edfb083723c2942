package io.unshub.hub;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import io.unshub.hub.cli.UserCommand;

import java.util.Arrays;

/**
 * The hub's entry point: {@code java -jar quarkus-run.jar} starts the hub ({@code --demo} adds the simulated
 * plant, as {@code uns.demo=true} does); {@code ... user add NAME} manages the users file and exits without
 * starting anything.
 */
@QuarkusMain
public class HubMain {

    public static void main(String... args) {
        if (args.length > 0 && args[0].equals("user")) {
            System.exit(UserCommand.fromEnvironment().run(Arrays.copyOfRange(args, 1, args.length)));
        }
        if (Arrays.asList(args).contains("--demo")) {
            System.setProperty("uns.demo", "true");
            args = Arrays.stream(args).filter(a -> !a.equals("--demo")).toArray(String[]::new);
        }
        Quarkus.run(args);
    }
}
