package dev.skiff.deployer.batch;

import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;

import java.nio.charset.StandardCharsets;

/** Invokes the model's function through the Lambda Invoke API (the emulator's, for --local). */
public final class LambdaBatchInvoker implements BatchInvoker {
    private final LambdaClient lambda;
    private final String function;
    private final String qualifier;

    public LambdaBatchInvoker(LambdaClient lambda, String function, String qualifier) {
        this.lambda = lambda;
        this.function = function;
        this.qualifier = qualifier;
    }

    @Override
    public byte[] invoke(byte[] event) {
        InvokeResponse response = lambda.invoke(
                b -> b.functionName(function).qualifier(qualifier).payload(SdkBytes.fromByteArrayUnsafe(event)));
        if (response.functionError() != null) {
            throw new IllegalStateException(function + ":" + qualifier + " failed (" + response.functionError() + "): "
                    + response.payload().asString(StandardCharsets.UTF_8));
        }
        return response.payload().asByteArrayUnsafe();
    }
}
