package dev.skiff.deployer.cli;

import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

@Command(name = "promote", mixinStandardHelpOptions = true, description = "TODO")
public final class PromoteCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        return 0;
    }
}
