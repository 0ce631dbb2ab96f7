package dev.skiff.deployer.cli;

import dev.skiff.deployer.init.NextSteps;
import dev.skiff.deployer.init.StarterProject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code skiff init}: a ready project that builds and serves its model locally with no edits. */
@Command(
        name = "init",
        mixinStandardHelpOptions = true,
        description = {
            "Create a project that serves a model on Lambda: pom, handler wiring, model repository, "
                    + "SAM template, README and an example request; prints the commands that build and serve it."
        })
public final class InitCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "DIR", description = "the new project's directory (absent or empty)")
    Path dir;

    @Option(
            names = "--framework",
            defaultValue = "plain",
            description = "plain, quarkus or micronaut (default: ${DEFAULT-VALUE})")
    String framework;

    @Option(
            names = "--model",
            paramLabel = "PATH",
            description =
                    "a model folder (config.json and 1/model.onnx ...) or an .onnx file; Skiff's example fraud model when absent")
    Path model;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        String home = System.getProperty("skiff.home", System.getenv("SKIFF_HOME"));
        if (home == null)
            throw new UserError("skiff init needs the Skiff home: run it through bin/skiff, or set SKIFF_HOME");
        String modelName;
        try {
            modelName = new StarterProject(Path.of(home), SkiffCli.VERSION).create(framework, model, dir);
        } catch (IllegalArgumentException | IOException e) {
            throw new UserError(e.getMessage(), ExitCodes.USAGE_OR_INPUT, e);
        }
        for (String line : NextSteps.ofThisProcess(Path.of(home)).lines(dir, framework, modelName)) {
            spec.commandLine().getOut().println(line);
        }
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
    }
}
