package dev.skiff.corpus;

import ai.onnx.proto.OnnxMl;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * One model of the ONNX backend tests ({@code <suite>/<name>/model.onnx} with
 * {@code test_data_set_N/input_K.pb} and {@code output_K.pb}), read for what the corpus run needs:
 * its graph's input and output names in order, and its data sets.
 *
 * @param outsideTensors null when every input and output is a tensor, else which is not (a sequence,
 *     map or optional, which the protocol has no form for)
 */
record BackendCase(
        String suite,
        String name,
        Path model,
        List<String> inputNames,
        List<String> outputNames,
        List<Path> dataSets,
        String outsideTensors) {

    /** The cases of every suite under root (the package's data directory), sorted by suite and name. */
    static List<BackendCase> scan(Path root) throws IOException {
        List<BackendCase> cases = new ArrayList<>();
        try (Stream<Path> suites = Files.list(root)) {
            for (Path suite : suites.filter(Files::isDirectory).sorted().toList()) {
                try (Stream<Path> models = Files.list(suite)) {
                    for (Path dir : models.filter(d -> Files.isRegularFile(d.resolve("model.onnx")))
                            .sorted()
                            .toList()) {
                        cases.add(read(suite.getFileName().toString(), dir));
                    }
                }
            }
        }
        return cases;
    }

    static BackendCase read(String suite, Path dir) throws IOException {
        OnnxMl.ModelProto model;
        try (InputStream in = Files.newInputStream(dir.resolve("model.onnx"))) {
            model = OnnxMl.ModelProto.parseFrom(in);
        }
        OnnxMl.GraphProto graph = model.getGraph();
        Set<String> initializers = new HashSet<>();
        graph.getInitializerList().forEach(t -> initializers.add(t.getName()));
        List<String> inputs = new ArrayList<>();
        String outside = null;
        for (OnnxMl.ValueInfoProto input : graph.getInputList()) {
            if (initializers.contains(input.getName())) continue; // an input with a default, not fed by the data sets
            inputs.add(input.getName());
            if (!input.getType().hasTensorType()) outside = "input '" + input.getName() + "' is a " + kind(input);
        }
        List<String> outputs = new ArrayList<>();
        for (OnnxMl.ValueInfoProto output : graph.getOutputList()) {
            outputs.add(output.getName());
            if (!output.getType().hasTensorType() && outside == null)
                outside = "output '" + output.getName() + "' is a " + kind(output);
        }
        List<Path> sets;
        try (Stream<Path> children = Files.list(dir)) {
            sets = children.filter(d -> d.getFileName().toString().startsWith("test_data_set_"))
                    .sorted()
                    .toList();
        }
        return new BackendCase(
                suite, dir.getFileName().toString(), dir.resolve("model.onnx"), inputs, outputs, sets, outside);
    }

    /** The name the model is served under: suite and case, unique across suites. */
    String servedName() {
        return suite + "-" + name;
    }

    String label() {
        return suite + "/" + name;
    }

    /** The data set's tensors named {@code prefix_K.pb} (input or output), in K order. */
    static List<ReferenceTensor> tensors(Path dataSet, String prefix, int count) {
        List<ReferenceTensor> tensors = new ArrayList<>();
        for (int k = 0; k < count; k++) {
            try {
                tensors.add(ReferenceTensor.read(dataSet.resolve(prefix + "_" + k + ".pb")));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return tensors;
    }

    private static String kind(OnnxMl.ValueInfoProto value) {
        return switch (value.getType().getValueCase()) {
            case SEQUENCE_TYPE -> "sequence";
            case MAP_TYPE -> "map";
            case OPTIONAL_TYPE -> "optional";
            case SPARSE_TENSOR_TYPE -> "sparse tensor";
            default -> value.getType().getValueCase().toString().toLowerCase(java.util.Locale.ROOT);
        };
    }
}
