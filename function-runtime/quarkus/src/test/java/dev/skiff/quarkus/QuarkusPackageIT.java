package dev.skiff.quarkus;

import dev.skiff.runtime.testing.PackagedFunctionContract;

import java.nio.file.Path;

/** The packaged Quarkus function (its target/function.zip) under the local emulator answers as the plain handler. */
class QuarkusPackageIT extends PackagedFunctionContract {
    @Override
    protected String handler() {
        return "io.quarkus.amazon.lambda.runtime.QuarkusStreamHandler::handleRequest";
    }

    @Override
    protected Path codeUri() {
        return Path.of("target/function.zip");
    }
}
