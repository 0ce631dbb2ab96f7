package dev.skiff.deployer.cli;

import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

@Command(name = "deploy", mixinStandardHelpOptions = true, description = "TODO")
public final class DeployCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        return 0;
    }
}
