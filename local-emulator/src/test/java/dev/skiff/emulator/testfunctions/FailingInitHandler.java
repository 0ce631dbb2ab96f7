package dev.skiff.emulator.testfunctions;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;

import java.io.InputStream;
import java.io.OutputStream;

/** A function whose init fails, as one does when its model cannot load. */
public class FailingInitHandler implements RequestStreamHandler {

    static {
        if (!Boolean.getBoolean("never.set")) {
            throw new IllegalStateException("the model could not be loaded");
        }
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) {
        // never reached
    }
}
