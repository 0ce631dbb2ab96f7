package dev.skiff.bench.coldstart;

import dev.skiff.runtime.lambda.LambdaFunction;
import dev.skiff.runtime.model.ModelRepository;
import dev.skiff.runtime.model.OrtRuntime;
import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;

import java.io.PrintStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Skiff's init, step by step, in a fresh JVM (started by {@link ColdStartHarness} with the same flags
 * and environment as under the runtime interface client): what SkiffHandler's static init does
 * (natives and environment, models, the function, its CRaC resource, priming), then a first and a
 * second request. Prints {@code phase <name>\t<ms>} lines.
 */
public final class SkiffInitBreakdown {
    private static Resource keep;

    public static void main(String[] args) throws Exception {
        System.out.println("phase main");
        System.out.flush();
        String model = args[0];
        byte[] event = java.nio.file.Files.readAllBytes(java.nio.file.Path.of(args[1])); // read before timing: not Skiff's work
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);

        long t = System.nanoTime();
        OrtRuntime.environment();
        t = phase("ONNX Runtime natives + OrtEnvironment", t);
        ModelRepository repository = ModelRepository.fromEnvironment();
        t = phase("model load (config, session, pipeline" + (model.equals("minilm") ? ", tokenizer)" : ")"), t);
        LambdaFunction function = new LambdaFunction(repository, quiet);
        t = phase("LambdaFunction", t);
        keep = new Resource() {
            @Override public void beforeCheckpoint(Context<? extends Resource> context) {}
            @Override public void afterRestore(Context<? extends Resource> context) {}
        };
        Core.getGlobalContext().register(keep);
        t = phase("CRaC registration", t);
        function.prime();
        t = phase("priming (one inference through the API)", t);
        byte[] answer = function.handle(event, "first", RuntimeApiServer.FUNCTION_ARN);
        t = phase("first request (handle)", t);
        function.handle(event, "second", RuntimeApiServer.FUNCTION_ARN);
        phase("second request (handle)", t);
        if (!new String(answer, StandardCharsets.UTF_8).contains("\"statusCode\":200")) {
            System.err.println("the first request failed: " + new String(answer, StandardCharsets.UTF_8));
            System.exit(1);
        }
        System.exit(0);
    }

    private static long phase(String name, long since) {
        long now = System.nanoTime();
        System.out.println("phase " + name + "\t" + (now - since) / 1e6);
        return now;
    }
}
