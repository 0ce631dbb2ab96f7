package dev.skiff.bench.jmh;

import dev.skiff.runtime.protocol.BinaryData;
import dev.skiff.runtime.protocol.DataType;
import dev.skiff.runtime.protocol.InferRequest;
import dev.skiff.runtime.protocol.InferResponse;
import dev.skiff.runtime.protocol.RequestParser;
import dev.skiff.runtime.protocol.ResponseWriter;
import dev.skiff.runtime.protocol.Tensor;
import dev.skiff.runtime.protocol.TensorSpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * JSON against Triton's binary tensors, per request, in the one codec both targets use: writing
 * minilm's answer (384 FP32 values per text, for 1 and 8 texts) and parsing a large input
 * (an image model's FP32 [1, 3, 224, 224], 150,528 values). Values are seeded random numbers of
 * an embedding's or an image's range, so JSON writes as many digits as real ones.
 * <p>{@code bin/jdk java -cp "tests/target/classes:$(cat tests/target/bench/classpath.txt)"
 * org.openjdk.jmh.Main WireFormatBenchmark} after {@code bin/bench-jmh}'s build.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class WireFormatBenchmark {
    private static final long[] IMAGE = {1, 3, 224, 224};

    private InferResponse minilmOneText, minilmEightTexts;
    private InferRequest askedJson, askedBinary;
    private RequestParser imageParser;
    private byte[] imageJson;
    private BinaryData.Body imageBinary;

    @Setup
    public void setUp() {
        Random random = new Random(17);
        minilmOneText = embeddings(random, 1);
        minilmEightTexts = embeddings(random, 8);
        askedJson = new InferRequest("r", Map.of(), List.of(), List.of(), false);
        askedBinary = new InferRequest("r", Map.of(BinaryData.ALL_OUTPUTS, true), List.of(), List.of(), false);

        float[] pixels = new float[3 * 224 * 224];
        for (int i = 0; i < pixels.length; i++) pixels[i] = (random.nextFloat() - 0.45f) / 0.225f; // normalized
        Tensor image = Tensor.ofFloats("pixel_values", IMAGE, pixels);
        imageParser =
                new RequestParser(List.of(new TensorSpec("pixel_values", DataType.FP32, new long[] {-1, 3, 224, 224})));
        imageJson = ResponseWriter.inferRequest("img", List.of(image));
        imageBinary = ResponseWriter.binaryInferRequest("img", List.of(image), false);
    }

    private static InferResponse embeddings(Random random, int texts) {
        float[] values = new float[texts * 384];
        for (int i = 0; i < values.length; i++) values[i] = (float) (random.nextGaussian() * 0.05);
        return new InferResponse(
                "minilm", "1", "r", List.of(Tensor.ofFloats("embedding", new long[] {texts, 384}, values)), false);
    }

    @Benchmark
    public byte[] writeMinilm1TextJson() {
        return ResponseWriter.infer(minilmOneText, askedJson).bytes();
    }

    @Benchmark
    public byte[] writeMinilm1TextBinary() {
        return ResponseWriter.infer(minilmOneText, askedBinary).bytes();
    }

    @Benchmark
    public byte[] writeMinilm8TextsJson() {
        return ResponseWriter.infer(minilmEightTexts, askedJson).bytes();
    }

    @Benchmark
    public byte[] writeMinilm8TextsBinary() {
        return ResponseWriter.infer(minilmEightTexts, askedBinary).bytes();
    }

    @Benchmark
    public InferRequest parseImageJson() {
        return imageParser.parse(imageJson);
    }

    @Benchmark
    public InferRequest parseImageBinary() {
        return imageParser.parse(imageBinary.bytes(), imageBinary.headerLength());
    }
}
