package dev.skiff.deployer.packaging;

import java.util.Locale;

/** A Lambda architecture and the folder ONNX Runtime's jar keeps its natives for it in. */
public enum Architecture {
    ARM64("arm64", "linux-aarch64"),
    X86_64("x86_64", "linux-x64");

    /** Lambda's name, as in the template's Architectures. */
    public final String lambdaName;
    /** ONNX Runtime's folder: {@code ai/onnxruntime/native/<folder>/} in its jar. */
    public final String onnxRuntimeFolder;

    Architecture(String lambdaName, String onnxRuntimeFolder) {
        this.lambdaName = lambdaName;
        this.onnxRuntimeFolder = onnxRuntimeFolder;
    }

    /** Accepts Lambda's names and the usual aliases (aarch64, amd64, x64). */
    public static Architecture parse(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "arm64", "aarch64" -> ARM64;
            case "x86_64", "amd64", "x64", "x86-64" -> X86_64;
            default -> throw new IllegalArgumentException("unknown architecture '" + text + "'; use arm64 or x86_64");
        };
    }

    /** The architecture of this JVM, for packages the local emulator runs here. */
    public static Architecture ofThisMachine() {
        String arch = System.getProperty("os.arch");
        return arch.equals("aarch64") || arch.equals("arm64") ? ARM64 : X86_64;
    }

    @Override
    public String toString() {
        return lambdaName;
    }
}
