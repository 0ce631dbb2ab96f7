package dev.skiff.runtime.testing.vectors;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.ArgumentsProvider;
import org.junit.jupiter.params.support.AnnotationConsumer;
import org.junit.jupiter.params.support.ParameterDeclarations;

import java.net.URL;
import java.util.stream.Stream;

/** The vectors a {@link ProtocolVectorSource} selects, one argument each. */
public final class ProtocolVectorsProvider implements ArgumentsProvider, AnnotationConsumer<ProtocolVectorSource> {
    private ProtocolVectorSource source;

    @Override
    public void accept(ProtocolVectorSource annotation) {
        this.source = annotation;
    }

    @Override
    public Stream<? extends Arguments> provideArguments(ParameterDeclarations parameters, ExtensionContext context) {
        return select(source, context.getRequiredTestClass()).stream().map(Arguments::of);
    }

    static ProtocolVectors select(ProtocolVectorSource source, Class<?> testClass) {
        ProtocolVectors vectors =
                source.resource().isEmpty() ? ProtocolVectors.builtIn() : load(source.resource(), testClass);
        if (source.targets().length > 0) vectors = vectors.servedBy(source.targets());
        if (source.tags().length > 0) vectors = vectors.tagged(source.tags());
        if (source.excludeTags().length > 0) vectors = vectors.notTagged(source.excludeTags());
        return vectors;
    }

    private static ProtocolVectors load(String resource, Class<?> testClass) {
        URL url = testClass.getResource(resource);
        if (url == null) {
            throw new IllegalArgumentException("@ProtocolVectorSource(resource = \"" + resource
                    + "\"): no such resource for " + testClass.getName()
                    + " (a name without a leading / is relative to its package)");
        }
        return ProtocolVectors.load(url);
    }
}
