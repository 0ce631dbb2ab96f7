package dev.skiff.bench.coldstart;

import ai.onnxruntime.OrtSession;
import dev.skiff.runtime.lambda.LambdaFunction;
import dev.skiff.runtime.model.ModelConfig;
import dev.skiff.runtime.model.ModelRepository;
import dev.skiff.runtime.model.OnnxModel;
import dev.skiff.runtime.model.OrtRuntime;
import dev.skiff.runtime.pipeline.text.WordPieceTokenizer;
import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

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
        byte[] event = Files.readAllBytes(Path.of(args[1])); // read before timing: not Skiff's work
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);

        long t = System.nanoTime();
        OrtRuntime.environment();
        t = phase("ONNX Runtime natives + OrtEnvironment", t);
        ModelRepository repository = ModelRepository.fromEnvironment();
        t = phase("model load (config, session, pipeline" + (model.equals("minilm") ? ", tokenizer)" : ")"), t);
        LambdaFunction function = new LambdaFunction(repository, quiet);
        t = phase("LambdaFunction", t);
        keep = new Resource() {
            @Override
            public void beforeCheckpoint(Context<? extends Resource> context) {}

            @Override
            public void afterRestore(Context<? extends Resource> context) {}
        };
        Core.getGlobalContext().register(keep);
        t = phase("CRaC registration", t);
        function.prime();
        t = phase("priming (one inference through the API)", t);
        byte[] answer = function.handle(event, "first", RuntimeApiServer.FUNCTION_ARN);
        t = phase("first request (handle)", t);
        function.handle(event, "second", RuntimeApiServer.FUNCTION_ARN);
        t = phase("second request (handle)", t);

        // the same steps again with every class loaded: what is left is native work (and file reads)
        Path modelDir = repository.root().resolve(model);
        ModelConfig config = ModelConfig.read(modelDir);
        t = phase("again, warm: config read", t);
        try (OrtSession.SessionOptions options = OrtRuntime.cpuOptions(OrtRuntime.intraOpThreads(config));
                OnnxModel onnx = OnnxModel.load(modelDir.resolve("1"), options)) {
            t = phase("again, warm: session creation", t);
        }
        if (Files.isRegularFile(modelDir.resolve("1/tokenizer.json"))) {
            t = System.nanoTime();
            WordPieceTokenizer.load(modelDir.resolve("1/tokenizer.json"));
            phase("again, warm: tokenizer load", t);
        }
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
