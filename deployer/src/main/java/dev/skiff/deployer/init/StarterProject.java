package dev.skiff.deployer.init;

import dev.skiff.runtime.model.ModelConfig;
import dev.skiff.runtime.model.ModelVersion;
import dev.skiff.runtime.protocol.ResponseWriter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Writes a ready project from a starter under {@code templates/starters/<framework>}: the
 * starter's files with their placeholders filled in, the model repository, an example request,
 * Skiff's Maven wrapper, and a {@code .mvn/maven.config} that has Maven read Skiff's artifacts from
 * the Skiff home's {@value #REPOSITORY} (templates/starters/README.md).
 */
public final class StarterProject {
    public static final List<String> FRAMEWORKS = List.of("plain", "quarkus", "micronaut");
    private static final String EXAMPLE_MODEL = "fraud";
    /** Skiff's artifacts in a local repository's layout, in a Skiff home (distribution/pom.xml writes it). */
    public static final String REPOSITORY = "repository";

    private final Path skiffHome;
    private final String skiffVersion;

    /** @param skiffHome the Skiff home: its templates/, examples/, Maven wrapper and repository/ are the sources */
    public StarterProject(Path skiffHome, String skiffVersion) {
        this.skiffHome = skiffHome;
        this.skiffVersion = skiffVersion;
    }

    /**
     * @param model a model folder (config.json and version folders), an .onnx file, or null for the example fraud model
     * @return the model's name, as the project serves it
     */
    public String create(String framework, Path model, Path dir) throws IOException {
        if (!FRAMEWORKS.contains(framework)) {
            throw new IllegalArgumentException("unknown framework '" + framework + "'; choose one of " + FRAMEWORKS);
        }
        Path starter = skiffHome.resolve("templates/starters").resolve(framework);
        if (!Files.isDirectory(starter))
            throw new IllegalArgumentException("no starter at " + starter + "; is SKIFF_HOME right?");
        if (Files.exists(dir) && !isEmptyDirectory(dir)) {
            throw new FileAlreadyExistsException(dir + " exists and is not empty; choose a new directory");
        }
        if (model != null && !Files.exists(model)) throw new IllegalArgumentException("no model at " + model);
        String modelName =
                model == null ? EXAMPLE_MODEL : model.getFileName().toString().replaceFirst("\\.onnx$", "");
        String artifactId = dir.toAbsolutePath()
                .normalize()
                .getFileName()
                .toString()
                .toLowerCase()
                .replaceAll("[^a-z0-9_.-]", "-");
        Map<String, String> values =
                Map.of("{{artifactId}}", artifactId, "{{model}}", modelName, "{{skiffVersion}}", skiffVersion);

        copyStarter(starter, dir, values);
        Path modelDir = dir.resolve("models").resolve(modelName);
        if (model == null) {
            copyTree(skiffHome.resolve("examples/models").resolve(EXAMPLE_MODEL), modelDir);
            Files.copy(skiffHome.resolve("examples/requests/fraud.json"), dir.resolve("request.json"));
        } else {
            if (Files.isDirectory(model)) {
                copyTree(model, modelDir);
            } else {
                Files.createDirectories(modelDir.resolve("1"));
                Files.copy(model, modelDir.resolve("1/model.onnx"));
                Files.writeString(
                        modelDir.resolve(ModelConfig.FILE_NAME), "{\"pipeline\": \"none\", \"target\": \"lambda\"}\n");
            }
            Files.write(dir.resolve("request.json"), exampleRequest(modelName, modelDir));
        }
        Files.copy(skiffHome.resolve("mvnw"), dir.resolve("mvnw"));
        dir.resolve("mvnw").toFile().setExecutable(true);
        Files.createDirectories(dir.resolve(".mvn/wrapper"));
        Files.copy(
                skiffHome.resolve(".mvn/wrapper/maven-wrapper.properties"),
                dir.resolve(".mvn/wrapper/maven-wrapper.properties"));
        Files.writeString(dir.resolve(".mvn/maven.config"), mavenConfig(skiffHome));
        return modelName;
    }

    /**
     * Maven's arguments for every build of the project: Skiff's repository as a read-only local repository
     * behind the user's own, until Skiff's artifacts are on Maven Central.
     */
    static String mavenConfig(Path skiffHome) {
        return "-Dmaven.repo.local.tail="
                + skiffHome.toAbsolutePath().normalize().resolve(REPOSITORY) + "\n";
    }

    /** One tensor per input, placeholder values of the model's own shapes, from its highest version. */
    private static byte[] exampleRequest(String name, Path modelDir) throws IOException {
        ModelConfig config = ModelConfig.read(modelDir);
        Path version;
        try (Stream<Path> children = Files.list(modelDir)) {
            version = children.filter(p -> p.getFileName().toString().matches("[0-9]+"))
                    .max((a, b) -> Long.compare(
                            Long.parseLong(a.getFileName().toString()),
                            Long.parseLong(b.getFileName().toString())))
                    .orElseThrow(() ->
                            new IllegalArgumentException(modelDir + " has no version folders (1/model.onnx, ...)"));
        }
        try (ModelVersion loaded = ModelVersion.load(name, version.getFileName().toString(), version, config)) {
            return ResponseWriter.inferRequest(name + "-example", loaded.placeholderInputs());
        }
    }

    private static void copyStarter(Path starter, Path dir, Map<String, String> values) throws IOException {
        try (Stream<Path> files = Files.walk(starter)) {
            for (Path source : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                String relative = starter.relativize(source).toString();
                if (relative.equals("gitignore")) relative = ".gitignore"; // a real one would act on the Skiff repo
                Path target = dir.resolve(relative);
                Files.createDirectories(target.getParent());
                Files.writeString(target, fill(Files.readString(source, StandardCharsets.UTF_8), values));
            }
        } catch (UncheckedIOException e) {
            if (e.getCause() instanceof CharacterCodingException)
                throw new IOException("a starter file is not UTF-8 text", e);
            throw e;
        }
    }

    private static String fill(String text, Map<String, String> values) {
        for (Map.Entry<String, String> value : values.entrySet()) text = text.replace(value.getKey(), value.getValue());
        return text;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path source : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) Files.createDirectories(target);
                else Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    private static boolean isEmptyDirectory(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return false;
        try (Stream<Path> children = Files.list(dir)) {
            return children.findAny().isEmpty();
        }
    }
}
