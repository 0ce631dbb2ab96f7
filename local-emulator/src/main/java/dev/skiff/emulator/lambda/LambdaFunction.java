package dev.skiff.emulator.lambda;

import dev.skiff.emulator.environment.EnvironmentPool;
import dev.skiff.emulator.template.FunctionDefinition;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * One function: its {@code $LATEST}, published versions (each with a snapshot of its code) and
 * aliases (with weighted routing), its code and its pool of execution environments. The rules
 * follow the Lambda API.
 */
public final class LambdaFunction {

    private static final Pattern ALIAS_NAME = Pattern.compile("(?!^[0-9]+$)[a-zA-Z0-9_-]{1,128}");
    private static final DateTimeFormatter LAST_MODIFIED = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSZ");

    private final FunctionDefinition definition;
    private final String arn;
    private final CodePackage code;
    private final CodeStore store;
    private final EnvironmentPool pool;
    private final TreeMap<Integer, FunctionVersion> published = new TreeMap<>();
    private final TreeMap<String, FunctionAlias> aliases = new TreeMap<>();
    private FunctionVersion latest;

    public LambdaFunction(
            FunctionDefinition definition, String arn, CodePackage code, CodeStore store, EnvironmentPool pool) {
        this.definition = definition;
        this.arn = arn;
        this.code = code;
        this.store = store;
        this.pool = pool;
        this.latest = latest(definition);
    }

    public String name() {
        return definition.functionName();
    }

    public String arn() {
        return arn;
    }

    /** The template's definition; $LATEST's current one is {@code latest().definition()}. */
    public FunctionDefinition definition() {
        return definition;
    }

    public CodePackage code() {
        return code;
    }

    public EnvironmentPool pool() {
        return pool;
    }

    public synchronized FunctionVersion latest() {
        return latest;
    }

    /** Hot reload: $LATEST takes the new code's hash; its running environments are recycled by the pool. */
    public void codeChanged() {
        synchronized (this) {
            latest = latest(latest.definition());
        }
        pool.codeChanged();
    }

    /** UpdateFunctionCode with a .zip: $LATEST runs it from now on. */
    public FunctionVersion updateCode(byte[] zip, String revisionId) {
        synchronized (this) {
            checkRevision(revisionId);
            try {
                Path kept = store.keepPackage(zip);
                checkUnzips(kept);
                code.replace(kept);
            } catch (IOException e) {
                throw new LambdaServiceException(
                        500, "ServiceException", "cannot keep the new code of " + arn + ": " + e.getMessage());
            }
        }
        codeChanged();
        return latest();
    }

    /** UpdateFunctionConfiguration: $LATEST's new configuration; its environments start again with it. */
    public FunctionVersion updateConfiguration(ConfigurationUpdate update, String revisionId) {
        synchronized (this) {
            checkRevision(revisionId);
            latest = latest(update.applyTo(latest.definition()));
        }
        pool.codeChanged();
        return latest();
    }

    private static void checkUnzips(Path zip) {
        try (ZipFile opened = new ZipFile(zip.toFile())) {
            if (opened.size() == 0) {
                throw new ZipException("no entries");
            }
        } catch (IOException e) {
            throw LambdaServiceException.invalidParameter(
                    "Could not unzip uploaded file. Please check your file, then try to upload again.");
        }
    }

    private FunctionVersion latest(FunctionDefinition configuration) { // holds the lock, or in the constructor
        return new FunctionVersion(
                FunctionVersion.LATEST,
                configuration,
                code.sha256(),
                code.size(),
                null,
                now(),
                configuration.description() == null ? "" : configuration.description(),
                UUID.randomUUID().toString());
    }

    private void checkRevision(String revisionId) { // holds the lock
        if (revisionId != null && !revisionId.isEmpty() && !revisionId.equals(latest.revisionId())) {
            throw preconditionFailed("GetFunction");
        }
    }

    static LambdaServiceException preconditionFailed(String getter) {
        return new LambdaServiceException(
                412,
                "PreconditionFailedException",
                "The Revision Id provided does not match the latest Revision Id. Call the " + getter
                        + " API to retrieve the latest Revision Id");
    }

    /**
     * PublishVersion: a new version from $LATEST with a snapshot of its code, or the newest one if
     * neither code nor configuration changed since it was published, as Lambda does.
     *
     * @param description the version's, or null for the function's
     */
    public synchronized FunctionVersion publishVersion(
            String description, String expectedCodeSha256, String revisionId) {
        if (code.refresh()) {
            codeChanged();
        }
        checkRevision(revisionId);
        if (expectedCodeSha256 != null
                && !expectedCodeSha256.isEmpty()
                && !expectedCodeSha256.equals(latest.codeSha256())) {
            throw LambdaServiceException.invalidParameter(
                    "CodeSha256 (" + expectedCodeSha256 + ") is different from current CodeSha256 in $LATEST ("
                            + latest.codeSha256() + "). Please try again from a newer state.");
        }
        if (!published.isEmpty()) {
            FunctionVersion newest = published.lastEntry().getValue();
            if (newest.codeSha256().equals(latest.codeSha256())
                    && newest.definition().equals(latest.definition())) {
                return newest;
            }
        }
        int number = published.isEmpty() ? 1 : published.lastKey() + 1;
        Path snapshot = null; // code not built yet (a template started before its build): runs what is there later
        try {
            if (Files.exists(code.source())) {
                snapshot = store.snapshot(code.directory(), name() + "-" + number);
            }
        } catch (IOException e) {
            throw new LambdaServiceException(
                    500,
                    "ServiceException",
                    "cannot snapshot the code of " + arn + " for version " + number + ": " + e);
        }
        FunctionVersion version = new FunctionVersion(
                String.valueOf(number),
                latest.definition(),
                latest.codeSha256(),
                latest.codeSize(),
                snapshot,
                now(),
                description == null ? latest.description() : description,
                UUID.randomUUID().toString());
        published.put(number, version);
        return version;
    }

    public synchronized List<FunctionVersion> versions() {
        List<FunctionVersion> all = new ArrayList<>();
        all.add(latest);
        all.addAll(published.values());
        return all;
    }

    /**
     * GetFunction's download of a version's code: the .zip UpdateFunctionCode uploaded (so its
     * SHA-256 is the CodeSha256), $LATEST's .zip CodeUri, or else the code's directory zipped.
     */
    public byte[] codeArchive(FunctionVersion version) throws IOException {
        Optional<Path> uploaded = store.keptPackage(version.codeSha256());
        if (uploaded.isPresent()) {
            return Files.readAllBytes(uploaded.get());
        }
        if (version.isLatest() && Files.isRegularFile(code.source())) {
            return Files.readAllBytes(code.source());
        }
        return CodePackage.zip(version.codeDirectory() != null ? version.codeDirectory() : code.directory());
    }

    /** A version by its number or {@code $LATEST}. */
    public synchronized FunctionVersion version(String version) {
        if (version == null || version.equals(FunctionVersion.LATEST)) {
            return latest;
        }
        try {
            FunctionVersion found = published.get(Integer.parseInt(version));
            if (found != null) {
                return found;
            }
        } catch (NumberFormatException e) {
            // not a number: not found below
        }
        throw LambdaServiceException.notFound("Function not found: " + arn + ":" + version);
    }

    /**
     * The version that serves one request for {@code qualifier}: $LATEST, a version, or an
     * alias, whose additional version gets its weight's share of requests.
     */
    public synchronized FunctionVersion resolve(String qualifier) {
        if (qualifier == null
                || qualifier.isEmpty()
                || qualifier.equals(FunctionVersion.LATEST)
                || qualifier.matches("\\d+")) {
            return version(qualifier);
        }
        FunctionAlias alias = aliasOrFunctionNotFound(qualifier);
        double draw = ThreadLocalRandom.current().nextDouble();
        for (Map.Entry<String, Double> weighted :
                alias.additionalVersionWeights().entrySet()) {
            if (draw < weighted.getValue()) {
                return version(weighted.getKey());
            }
            draw -= weighted.getValue();
        }
        return version(alias.functionVersion());
    }

    /** The alias a function qualifier names; an unknown one is a function not found, as Lambda words it. */
    public synchronized FunctionAlias aliasOrFunctionNotFound(String qualifier) {
        FunctionAlias alias = aliases.get(qualifier);
        if (alias == null) {
            throw LambdaServiceException.notFound("Function not found: " + arn + ":" + qualifier);
        }
        return alias;
    }

    public synchronized FunctionAlias createAlias(
            String name, String functionVersion, String description, Map<String, Double> weights) {
        if (name == null || !ALIAS_NAME.matcher(name).matches()) {
            throw LambdaServiceException.invalidParameter(
                    "1 validation error detected: Value '" + name
                            + "' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: (?!^[0-9]+$)([a-zA-Z0-9-_]+)");
        }
        if (aliases.containsKey(name)) {
            throw LambdaServiceException.conflict("Alias already exists: " + arn + ":" + name);
        }
        FunctionAlias alias = new FunctionAlias(
                name,
                checkedVersion(functionVersion, weights),
                Map.copyOf(weights == null ? Map.of() : weights),
                description == null ? "" : description,
                UUID.randomUUID().toString());
        aliases.put(name, alias);
        return alias;
    }

    /** UpdateAlias: a null argument keeps the current value. */
    public synchronized FunctionAlias updateAlias(
            String name, String functionVersion, String description, Map<String, Double> weights, String revisionId) {
        FunctionAlias current = alias(name);
        if (revisionId != null && !revisionId.equals(current.revisionId())) {
            throw preconditionFailed("GetAlias");
        }
        String version = functionVersion == null ? current.functionVersion() : functionVersion;
        Map<String, Double> routing = weights == null ? current.additionalVersionWeights() : weights;
        FunctionAlias updated = new FunctionAlias(
                name,
                checkedVersion(version, routing),
                Map.copyOf(routing),
                description == null ? current.description() : description,
                UUID.randomUUID().toString());
        aliases.put(name, updated);
        return updated;
    }

    public synchronized FunctionAlias alias(String name) {
        FunctionAlias alias = aliases.get(name);
        if (alias == null) {
            throw LambdaServiceException.notFound("Alias not found: " + arn + ":" + name);
        }
        return alias;
    }

    public synchronized List<FunctionAlias> aliases(String functionVersion) {
        return aliases.values().stream()
                .filter(a -> functionVersion == null
                        || a.functionVersion().equals(functionVersion)
                        || a.additionalVersionWeights().containsKey(functionVersion))
                .toList();
    }

    public synchronized void deleteAlias(String name) {
        aliases.remove(name); // Lambda answers 204 whether or not it existed
    }

    private String checkedVersion(String functionVersion, Map<String, Double> weights) {
        if (functionVersion == null || functionVersion.isEmpty()) {
            throw LambdaServiceException.invalidParameter("FunctionVersion is required");
        }
        version(functionVersion);
        if (weights != null && !weights.isEmpty()) {
            if (weights.size() > 1) {
                throw LambdaServiceException.invalidParameter(
                        "Number of items in AdditionalVersionWeights cannot be greater than 1");
            }
            if (functionVersion.equals(FunctionVersion.LATEST)) {
                throw LambdaServiceException.invalidParameter(
                        "$LATEST is not supported for an alias pointing to more than 1 version");
            }
            for (Map.Entry<String, Double> weight : weights.entrySet()) {
                if (weight.getKey().equals(functionVersion)) {
                    throw LambdaServiceException.invalidParameter(
                            "Invalid function version " + weight.getKey() + ". Function version " + weight.getKey()
                                    + " is already included in routing configuration.");
                }
                if (weight.getKey().equals(FunctionVersion.LATEST)) {
                    throw LambdaServiceException.invalidParameter(
                            "$LATEST is not supported for an alias pointing to more than 1 version");
                }
                version(weight.getKey());
                if (weight.getValue() == null || weight.getValue() < 0 || weight.getValue() > 1) {
                    throw LambdaServiceException.invalidParameter("Invalid weight " + weight.getValue()
                            + " for version " + weight.getKey() + ": a weight is between 0.0 and 1.0");
                }
            }
        }
        return functionVersion;
    }

    private static String now() {
        return OffsetDateTime.now(ZoneOffset.UTC).format(LAST_MODIFIED);
    }
}
