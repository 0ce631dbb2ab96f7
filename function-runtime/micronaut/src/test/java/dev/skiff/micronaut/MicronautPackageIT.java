package dev.skiff.micronaut;

import dev.skiff.runtime.testing.PackagedFunctionContract;

import java.nio.file.Path;

/** The packaged Micronaut function (target/lambda) under the local emulator answers as the plain handler. */
class MicronautPackageIT extends PackagedFunctionContract {
    @Override
    protected String handler() {
        return "dev.skiff.micronaut.SkiffMicronautHandler::handleRequest";
    }

    @Override
    protected Path codeUri() {
        return Path.of("target/lambda");
    }
}
