package dev.skiff.deployer.cli;

import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

@Command(name = "status", mixinStandardHelpOptions = true, description = "TODO")
public final class StatusCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        return 0;
    }
}
