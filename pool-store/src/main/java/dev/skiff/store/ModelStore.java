package dev.skiff.store;

import dev.skiff.runtime.contract.AliasDocument;
import dev.skiff.store.VersionManifest.FileEntry;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * The GPU pool's shared model store: a directory or {@code s3://bucket/prefix}, laid out as a
 * model repository plus one alias document,
 * <pre>
 * aliases.json                          the pool's aliases (AliasDocument), written with optimistic concurrency
 * {model}/config.json                   the model's config
 * {model}/{version}/...                 a version's files
 * {model}/{version}/skiff-manifest.json every file's SHA-256; written last, so its presence means complete
 * </pre>
 * Every task syncs from it; the deployer and the management API write it. No alias or version
 * state lives only in a task.
 */
public final class ModelStore implements AutoCloseable {
    public static final String ALIASES_KEY = "aliases.json";
    public static final String CONFIG_FILE = "config.json";

    /** The alias document as read, and the tag a write must match ({@code null}: there is none yet). */
    public record AliasSnapshot(AliasDocument document, String tag) {}

    private final StoreObjects objects;

    private ModelStore(StoreObjects objects) {
        this.objects = objects;
    }

    /**
     * Opens {@code s3://bucket/prefix} (through the default credential and region chains, with
     * {@code endpoint} overriding S3's when not null) or a directory.
     */
    public static ModelStore open(String location, URI endpoint) {
        if (!location.startsWith("s3://")) return directory(Path.of(location));
        S3ClientBuilder builder = S3Client.builder().httpClientBuilder(ApacheHttpClient.builder());
        builder.region(region(endpoint != null));
        if (endpoint != null) builder.endpointOverride(endpoint).forcePathStyle(true);
        return s3(builder.build(), location);
    }

    /** A store in S3 through the caller's client (closed with the store). */
    public static ModelStore s3(S3Client s3, String location) {
        if (!location.startsWith("s3://")) {
            throw new IllegalArgumentException("'" + location + "' is not an s3://bucket/prefix location");
        }
        String rest = location.substring("s3://".length());
        int slash = rest.indexOf('/');
        String bucket = slash < 0 ? rest : rest.substring(0, slash);
        String prefix = slash < 0 ? "" : rest.substring(slash + 1).replaceAll("^/+|/+$", "");
        if (bucket.isEmpty()) throw new IllegalArgumentException("'" + location + "' names no bucket");
        return new ModelStore(new S3Objects(s3, bucket, prefix.isEmpty() ? "" : prefix + "/"));
    }

    public static ModelStore directory(Path root) {
        return new ModelStore(new DirectoryObjects(root));
    }

    private static Region region(boolean endpointGiven) {
        try {
            return new DefaultAwsRegionProviderChain().getRegion();
        } catch (RuntimeException e) {
            if (endpointGiven) return Region.US_EAST_1; // an S3-compatible endpoint ignores it
            throw new IllegalArgumentException(
                    "no AWS region for the model store: set AWS_REGION (ECS sets it in a task)", e);
        }
    }

    public String describe() {
        return objects.describe();
    }

    /** Every model's published versions (those with a manifest), lowest first. */
    public Map<String, List<Long>> versions() {
        Map<String, List<Long>> versions = new TreeMap<>();
        for (String key : objects.list("")) {
            String[] parts = key.split("/");
            if (parts.length != 3 || !parts[2].equals(VersionManifest.FILE_NAME) || !isVersion(parts[1])) continue;
            versions.computeIfAbsent(parts[0], m -> new ArrayList<>()).add(Long.parseLong(parts[1]));
        }
        versions.values().forEach(list -> list.sort(null));
        return versions;
    }

    public List<Long> versions(String model) {
        List<Long> versions = new ArrayList<>();
        for (String key : objects.list(model + "/")) {
            String[] parts = key.split("/");
            if (parts.length == 3 && parts[2].equals(VersionManifest.FILE_NAME) && isVersion(parts[1])) {
                versions.add(Long.parseLong(parts[1]));
            }
        }
        versions.sort(null);
        return versions;
    }

    public Optional<VersionManifest> manifest(String model, long version) {
        String key = model + "/" + version + "/" + VersionManifest.FILE_NAME;
        return objects.get(key).map(o -> VersionManifest.parse(o.body(), objects.describe() + key));
    }

    /**
     * Publishes {@code modelDir}'s version directory {@code version} (and the model's config.json):
     * the files first, the manifest last, created only if absent, so versions are immutable and a
     * half-published one is never seen.
     *
     * @throws StoreConflictException when the store already has that version
     */
    public VersionManifest publish(String model, long version, Path modelDir) {
        Path versionDir = modelDir.resolve(Long.toString(version));
        if (!Files.isDirectory(versionDir)) {
            throw new IllegalArgumentException("no version directory " + versionDir);
        }
        if (manifest(model, version).isPresent()) {
            throw new StoreConflictException(objects.describe() + model + "/" + version
                    + " is published already; versions are immutable, " + "publish a new number");
        }
        Map<String, FileEntry> files = new TreeMap<>();
        try (Stream<Path> list = Files.list(versionDir)) {
            for (Path file : list.filter(Files::isRegularFile).sorted().toList()) {
                String name = file.getFileName().toString();
                if (name.startsWith(".") || name.equals(VersionManifest.FILE_NAME)) continue;
                files.put(name, entry(file));
                objects.putFile(model + "/" + version + "/" + name, file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + versionDir, e);
        }
        if (files.isEmpty()) throw new IllegalArgumentException(versionDir + " has no files");
        Path config = modelDir.resolve(CONFIG_FILE);
        FileEntry configEntry = null;
        if (Files.isRegularFile(config)) {
            configEntry = entry(config);
            objects.putFile(model + "/" + CONFIG_FILE, config);
        }
        VersionManifest manifest = new VersionManifest(model, version, configEntry, files);
        objects.putIf(model + "/" + version + "/" + VersionManifest.FILE_NAME, manifest.toJson(), null);
        return manifest;
    }

    /**
     * Downloads a version's files into {@code target} (a new, empty directory) and its model's
     * config.json to {@code configFile}, each checked against the manifest.
     *
     * @throws IllegalStateException when a file's size or SHA-256 differs from the manifest's
     */
    public void download(VersionManifest manifest, Path target, Path configFile) {
        String base = manifest.model() + "/" + manifest.version() + "/";
        try {
            Files.createDirectories(target);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + target, e);
        }
        manifest.files().forEach((name, entry) -> fetch(base + name, target.resolve(name), entry));
        if (manifest.config() != null) fetch(manifest.model() + "/" + CONFIG_FILE, configFile, manifest.config());
    }

    private void fetch(String key, Path file, FileEntry expected) {
        objects.getFile(key, file);
        String sha = Checksums.sha256(file);
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (size != expected.size() || !sha.equals(expected.sha256())) {
            throw new IllegalStateException(objects.describe() + key + " does not match its manifest: "
                    + size + " bytes, sha256 " + sha + "; expected " + expected.size() + " bytes, sha256 "
                    + expected.sha256());
        }
    }

    /** The alias document now, empty (tag null) when the store has none yet. */
    public AliasSnapshot aliases() {
        return objects.get(ALIASES_KEY)
                .map(o -> new AliasSnapshot(AliasDocument.parse(o.body(), objects.describe() + ALIASES_KEY), o.tag()))
                .orElse(new AliasSnapshot(AliasDocument.empty(), null));
    }

    /**
     * Writes the alias document if it is still as read at {@code expectedTag} (null: still absent).
     *
     * @return the snapshot written
     * @throws StoreConflictException when another writer changed it since; nothing was written
     */
    public AliasSnapshot writeAliases(AliasDocument next, String expectedTag) {
        String tag = objects.putIf(ALIASES_KEY, next.toJson(), expectedTag);
        return new AliasSnapshot(next, tag);
    }

    /** Reads the document, changes it, and writes it back on the tag read: one optimistic update. */
    public AliasSnapshot updateAliases(UnaryOperator<AliasDocument> change) {
        AliasSnapshot now = aliases();
        return writeAliases(change.apply(now.document()), now.tag());
    }

    private static FileEntry entry(Path file) {
        try {
            return new FileEntry(Checksums.sha256(file), Files.size(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** 1 to 18 digits, no leading zero, as version directories are named. */
    static boolean isVersion(String text) {
        return text.matches("[1-9][0-9]{0,17}");
    }

    @Override
    public void close() {
        objects.close();
    }
}
