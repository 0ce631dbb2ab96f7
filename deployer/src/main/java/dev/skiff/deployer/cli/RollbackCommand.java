package dev.skiff.deployer.cli;

import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

@Command(name = "rollback", mixinStandardHelpOptions = true, description = "TODO")
public final class RollbackCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        return 0;
    }
}
