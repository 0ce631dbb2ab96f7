package dev.skiff.deployer.batch;

/** Sends one batch event to the function and returns its answer (the emulator's Invoke API, or a test's). */
@FunctionalInterface
public interface BatchInvoker {
    byte[] invoke(byte[] event) throws Exception;
}
