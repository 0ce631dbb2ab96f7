package dev.skiff.deployer.packaging;

import java.io.IOException;
import java.io.InputStream;

/** Where a package's files go: a .zip for Lambda, or a directory (an image build context). */
interface PackageSink extends AutoCloseable {
    /** Adds one file at a path inside the package ("lib/x.jar", "models/fraud/1/model.onnx"). */
    void add(String path, InputStream content) throws IOException;

    /** Bytes added so far, uncompressed: what Lambda's 250 MB unzipped limit counts. */
    long unzippedBytes();

    @Override
    void close() throws IOException;
}
